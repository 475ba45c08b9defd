import { describe, expect, it } from 'vitest';
import { thawResourceAttributes } from './resource.ts';

describe('resource attributes', () => {
  it('names the service after K_SERVICE and versions it with K_REVISION on Knative', () => {
    const attributes = thawResourceAttributes({
      serviceName: 'pkg-name',
      serviceVersion: '1.0.0',
      env: { K_SERVICE: 'orders', K_REVISION: 'orders-00003', HOSTNAME: 'orders-00003-pod' },
      pid: 42,
    });
    expect(attributes).toEqual({
      'service.name': 'orders',
      'faas.name': 'orders',
      'service.version': 'orders-00003',
      'faas.version': 'orders-00003',
      'k8s.pod.name': 'orders-00003-pod',
      'faas.instance': 'orders-00003-pod',
      'process.pid': 42,
      'process.runtime.name': 'nodejs',
      'process.runtime.version': process.versions.node,
    });
  });

  it('falls back to the given name and version off Knative, and ignores empty variables', () => {
    const attributes = thawResourceAttributes({
      serviceName: 'pkg-name',
      serviceVersion: '1.0.0',
      env: { K_SERVICE: ' ', HOSTNAME: 'laptop' },
    });
    expect(attributes).toMatchObject({
      'service.name': 'pkg-name',
      'service.version': '1.0.0',
      'faas.version': '1.0.0',
    });
    expect(attributes['k8s.pod.name']).toBeUndefined();
    expect(attributes['cloud.platform']).toBeUndefined();
  });

  it('recognises AWS Lambda behind a web adapter', () => {
    const attributes = thawResourceAttributes({
      serviceName: 'pkg-name',
      env: {
        AWS_LAMBDA_FUNCTION_NAME: 'orders-fn',
        AWS_LAMBDA_FUNCTION_VERSION: '7',
        AWS_REGION: 'eu-west-1',
      },
    });
    expect(attributes).toMatchObject({
      'service.name': 'orders-fn',
      'faas.version': '7',
      'cloud.provider': 'aws',
      'cloud.platform': 'aws_lambda',
      'cloud.region': 'eu-west-1',
    });
  });
});
