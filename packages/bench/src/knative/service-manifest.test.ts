import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { parseCpu, parseMemory, readServiceManifest } from './service-manifest.ts';

test('the Service manifest drives image, env, containerPort, readiness probe, concurrency and limits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-service-'));
  try {
    const file = join(dir, 'service.yaml');
    writeFileSync(
      file,
      [
        'apiVersion: serving.knative.dev/v1',
        'kind: Service',
        'metadata: { name: order-risk }',
        'spec:',
        '  template:',
        '    spec:',
        '      containerConcurrency: 10',
        '      containers:',
        '        - image: registry.example/order-risk:1',
        '          env: [{ name: DATABASE_URL, value: "postgres://postgres:5432/app" }, { name: RETRIES, value: 3 }]',
        '          ports: [{ containerPort: 9090 }]',
        '          readinessProbe: { httpGet: { path: /readyz }, successThreshold: 2 }',
        '          resources: { limits: { cpu: 500m, memory: 128Mi } }',
        '',
      ].join('\n'),
    );
    expect(readServiceManifest(file)).toEqual({
      image: 'registry.example/order-risk:1',
      env: { DATABASE_URL: 'postgres://postgres:5432/app', RETRIES: '3' },
      containerPort: 9090,
      probe: { httpGet: { path: '/readyz' } },
      successThreshold: 2,
      containerConcurrency: 10,
      cpus: 0.5,
      memoryBytes: 128 * 2 ** 20,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('quantities in Kubernetes units, and a clear error naming a bad one', () => {
  expect(parseCpu('1')).toBe(1);
  expect(parseCpu('250m')).toBe(0.25);
  expect(parseMemory('256M')).toBe(256e6);
  expect(parseMemory('1Gi')).toBe(2 ** 30);
  expect(() => parseMemory('lots', 'limits.memory')).toThrow(
    'Invalid limits.memory: received "lots"; expected a memory quantity such as "128Mi", "256M" or "1Gi".',
  );
});
