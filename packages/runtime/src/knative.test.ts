import { describe, expect, it } from 'vitest';
import { readKnativeEnv } from './knative.ts';

describe('Knative environment', () => {
  it('reads the revision identity, the sink and the overrides', () => {
    expect(
      readKnativeEnv({
        K_SERVICE: 'orders',
        K_REVISION: 'orders-00002',
        K_CONFIGURATION: 'orders',
        K_SINK: 'http://broker-ingress.knative-eventing.svc.cluster.local/default/default',
        K_CE_OVERRIDES: '{"extensions":{"tenant":"acme","priority":3}}',
      }),
    ).toEqual({
      service: 'orders',
      revision: 'orders-00002',
      configuration: 'orders',
      sink: 'http://broker-ingress.knative-eventing.svc.cluster.local/default/default',
      ceOverrides: { extensions: { tenant: 'acme', priority: '3' } },
    });
  });

  it('is empty outside Knative', () => {
    expect(readKnativeEnv({})).toEqual({});
  });

  it('rejects a K_SINK that is not a URL and K_CE_OVERRIDES that is not what a SinkBinding writes', () => {
    expect(() => readKnativeEnv({ K_SINK: 'broker' })).toThrow(
      'Invalid K_SINK environment variable: received "broker"; expected an absolute URL (set by a SinkBinding).',
    );
    expect(() => readKnativeEnv({ K_CE_OVERRIDES: '{' })).toThrow(
      /Invalid K_CE_OVERRIDES environment variable/,
    );
    expect(() => readKnativeEnv({ K_CE_OVERRIDES: '{"extensions":{"Bad-Name":"x"}}' })).toThrow(
      /lower-case alphanumeric names/,
    );
  });
});
