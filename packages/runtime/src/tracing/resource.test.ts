import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { entryPackageName, thawResourceAttributes } from './resource.ts';

describe('resource attributes', () => {
  it('names the service after K_SERVICE and versions it with K_REVISION on Knative', () => {
    const attributes = thawResourceAttributes({
      serviceName: 'pkg-name',
      serviceVersion: '1.0.0',
      env: {
        K_SERVICE: 'orders',
        K_CONFIGURATION: 'orders',
        K_REVISION: 'orders-00003',
        HOSTNAME: 'orders-00003-pod',
      },
      pid: 42,
    });
    expect(attributes).toEqual({
      'service.name': 'orders',
      'faas.name': 'orders',
      'service.version': 'orders-00003',
      'faas.version': 'orders-00003',
      'k8s.pod.name': 'orders-00003-pod',
      'faas.instance': 'orders-00003-pod',
      'knative.service.name': 'orders',
      'knative.configuration.name': 'orders',
      'knative.revision.name': 'orders-00003',
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

  it("falls back to the entry's package name: npm's, else the nearest named package.json", () => {
    const root = mkdtempSync(join(tmpdir(), 'thaw-package-name-'));
    try {
      writeFileSync(join(root, 'package.json'), JSON.stringify({ name: '@acme/orders', version: '1.0.0' }));
      mkdirSync(join(root, 'dist'));
      // The build's own marker names no package: passed over.
      writeFileSync(join(root, 'dist', 'package.json'), JSON.stringify({ type: 'module' }));
      const entry = join(root, 'dist', 'index.js');
      expect(entryPackageName({}, entry)).toBe('@acme/orders');
      expect(entryPackageName({ npm_package_name: 'from-npm' }, entry)).toBe('from-npm');
      expect(entryPackageName({}, undefined)).toBeUndefined();
      writeFileSync(join(root, 'package.json'), '{ not json');
      expect(entryPackageName({}, entry)).not.toBe('@acme/orders');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
