import { describe, expect, test } from 'vitest';
import { SlimConfigError } from '../errors.ts';
import { resolveKnativeOptions, serviceNameFor } from './resolve.ts';
import type { KnativeOptions } from './options.ts';

function refusal(options: KnativeOptions): SlimConfigError {
  try {
    resolveKnativeOptions(options, 'checkout');
  } catch (error) {
    if (error instanceof SlimConfigError) return error;
    throw error;
  }
  throw new Error('the settings were accepted');
}

describe('invalid Knative settings are refused with a message naming the field', () => {
  test('a negative min-scale', () => {
    const error = refusal({ minScale: -1 });
    expect(error.option).toBe('knative.minScale');
    expect(error.message).toBe(
      'Invalid knative.minScale: received -1; expected an integer ≥ 0 (autoscaling.knative.dev/min-scale).',
    );
  });

  test('a CPU limit below the request', () => {
    const error = refusal({ cpuRequest: '500m', cpuLimit: '250m' });
    expect(error.option).toBe('knative.cpuLimit');
    expect(error.message).toContain('at least knative.cpuRequest (500m)');
  });

  test('a memory limit below the request', () => {
    expect(refusal({ memoryRequest: '1Gi', memoryLimit: '512Mi' }).option).toBe('knative.memoryLimit');
  });

  test('min-scale above max-scale', () => {
    const error = refusal({ minScale: 4, maxScale: 2 });
    expect(error.option).toBe('knative.minScale');
    expect(error.message).toContain('at most knative.maxScale (2)');
  });

  test('a quantity Kubernetes cannot read', () => {
    expect(refusal({ cpuRequest: 'lots' }).option).toBe('knative.cpuRequest');
  });

  test('a target above the hard concurrency limit', () => {
    expect(refusal({ containerConcurrency: 10, target: 20 }).option).toBe('knative.target');
  });

  test('a name that is not a DNS label', () => {
    expect(refusal({ name: 'Check_Out' }).option).toBe('knative.name');
  });

  test('a probe path without a leading slash', () => {
    expect(refusal({ readinessPath: 'readyz' }).option).toBe('knative.readinessPath');
  });

  test('a SinkBinding with both a URI and a ref', () => {
    const error = refusal({
      sinkBinding: {
        sinkUri: 'http://sink.example/',
        sinkRef: { apiVersion: 'v1', kind: 'Service', name: 'sink' },
      },
    });
    expect(error.option).toBe('knative.sinkBinding');
  });
});

test('max-scale 0 means no limit, so any min-scale is allowed', () => {
  expect(resolveKnativeOptions({ minScale: 3, maxScale: 0 }, 'checkout').minScale).toBe(3);
});

test('the service name and image derive from the package name', () => {
  expect(serviceNameFor('@acme/Order_Check')).toBe('order-check');
  const resolved = resolveKnativeOptions({}, '@acme/checkout');
  expect(resolved.name).toBe('checkout');
  expect(resolved.image).toBe('checkout:latest');
});
