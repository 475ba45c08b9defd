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

it('subscribes to inventory’s reservations, retrying with exponential backoff before the dead-letter sink', () => {
  const trigger = committedManifests(exampleDir)['trigger.yaml'];
  expect(trigger).toMatch(/filter:\s+attributes:\s+source: \/functions\/inventory\s+type: InventoryReserved/);
  expect(trigger).toMatch(/kind: Service\s+name: payment/);
  expect(trigger).toMatch(
    /delivery:\s+retry: 4\s+backoffPolicy: exponential\s+backoffDelay: PT0.5S\s+deadLetterSink:/,
  );
  expect(committedManifests(exampleDir)['service.yaml']).toMatch(
    /secretKeyRef:\s+name: payment-redis\s+key: url/,
  );
});

it('binds K_SINK to the default Broker, where PaymentCaptured is published', () => {
  expect(committedManifests(exampleDir)['sinkbinding.yaml']).toMatch(
    /sink:\s+ref:\s+apiVersion: eventing.knative.dev\/v1\s+kind: Broker\s+name: default/,
  );
});
