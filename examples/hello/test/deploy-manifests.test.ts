import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  committedManifests,
  slimExample,
  type SlimmedExample,
} from '../../../test/support/example-manifests.ts';
import { send, startFunction } from '../../../test/support/function-process.ts';

const exampleDir = join(import.meta.dirname, '..');
let slimmed: SlimmedExample;

beforeAll(() => {
  slimmed = slimExample(exampleDir);
}, 120_000);

afterAll(() => {
  slimmed.remove();
});

it('the committed Knative manifests are the ones `thaw slim` generates from the package config', () => {
  expect(committedManifests(exampleDir)).toEqual(slimmed.manifests);
  expect(slimmed.manifests['service.yaml']).toMatch(/- name: TARGET\s+value: Knative/);
});

it('the slimmed deploy folder answers on its own, with nothing but its own files', async () => {
  const fn = await startFunction(['index.js'], {
    cwd: slimmed.outDir,
    inheritEnv: false,
    env: { TARGET: 'slim' },
  });
  try {
    expect((await send(fn.port, { path: '/' })).body).toBe('Hello slim!\n');
    expect(await fn.terminate()).toBe(0);
  } finally {
    await fn.stop();
  }
});
