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
});

it('the slimmed deploy folder serves the Express routes on its own, Express bundled in', async () => {
  const fn = await startFunction(['index.js'], { cwd: slimmed.outDir, inheritEnv: false });
  try {
    const answer = await send(fn.port, { path: '/items/tea' });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual({ id: 'tea', name: 'Green tea', priceCents: 450 });
    expect(await fn.terminate()).toBe(0);
  } finally {
    await fn.stop();
  }
});
