import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  committedManifests,
  slimExample,
  type SlimmedExample,
} from '../../../test/support/example-manifests.ts';

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

it('routes OrderCreated events from the default broker to the service', () => {
  const trigger = committedManifests(exampleDir)['trigger.yaml'];
  expect(trigger).toContain('broker: default');
  expect(trigger).toMatch(/filter:\s+attributes:\s+type: OrderCreated/);
  expect(trigger).toMatch(/kind: Service\s+name: order-risk/);
});
