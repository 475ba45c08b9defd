import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from 'yaml';
import { slim, type SlimReport } from '../src/slim.ts';
import { crdValidators, validateManifest } from './support/crd-validator.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';

const validators = crdValidators();
const deadLetters = { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'dead-letters' } };
let project: string;
let report: SlimReport;

beforeAll(async () => {
  project = fixtureProject('hello-fn');
  report = await slim({
    projectDir: project,
    compileCache: false,
    logger: recordingLogger(),
    knative: {
      namespace: 'shop',
      minScale: 0,
      initialScale: 1,
      activationScale: 2,
      scaleToZeroPodRetentionSeconds: 90,
      target: 20,
      targetUtilizationPercentage: 80,
      metric: 'rps',
      windowSeconds: 30,
      panicWindowPercentage: 20,
      startupProbe: { periodSeconds: 1, failureThreshold: 60 },
      responseStartTimeoutSeconds: 30,
      idleTimeoutSeconds: 60,
      traffic: [
        { tag: 'current', revisionName: 'hello-fn-00001', percent: 90 },
        { tag: 'candidate', percent: 10 },
      ],
      env: {
        LOG_LEVEL: 'info',
        DATABASE_URL: { secretKeyRef: { name: 'hello-db', key: 'url' } },
        FEATURE_FLAGS: { configMapKeyRef: { name: 'hello-config', key: 'flags', optional: true } },
      },
      envFrom: [{ secretRef: 'hello-api-keys' }, { configMapRef: 'hello-settings', prefix: 'APP_' }],
      volumes: [
        { name: 'db-ca', mountPath: '/etc/db-ca', secret: 'hello-db-ca' },
        { name: 'rules', mountPath: '/etc/rules', configMap: 'hello-rules' },
        { name: 'scratch', mountPath: '/scratch', emptyDir: { sizeLimit: '32Mi' } },
      ],
      serviceAccountName: 'hello-runner',
      scrape: { path: '/metrics' },
      trigger: {
        broker: 'orders',
        filter: { type: 'OrderCreated' },
        delivery: {
          retry: 5,
          backoffPolicy: 'exponential',
          backoffDelay: 'PT0.5S',
          deadLetterSink: deadLetters,
        },
      },
      broker: { delivery: { retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT1S' } },
      warmUp: { schedule: '*/10 * * * *', timezone: 'Europe/Berlin' },
      sinkBinding: { sinkRef: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'orders' } },
    },
  });
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

function manifest(name: string): Record<string, unknown> {
  return parse(readFileSync(join(report.outDir, name), 'utf8')) as Record<string, unknown>;
}

test('the Service, Trigger, SinkBinding, Broker and PingSource all validate against their CRDs', () => {
  expect(report.manifests).toEqual([
    'knative/service.yaml',
    'knative/trigger.yaml',
    'knative/sinkbinding.yaml',
    'knative/broker.yaml',
    'knative/pingsource.yaml',
  ]);
  for (const name of report.manifests)
    expect({ name, errors: validateManifest(validators, manifest(name)) }).toEqual({ name, errors: [] });
});

test('the Service carries every autoscaling knob, timeouts, startup probe, traffic tags and scrape annotations', () => {
  expect(manifest('knative/service.yaml')).toMatchObject({
    spec: {
      template: {
        metadata: {
          annotations: {
            'autoscaling.knative.dev/activation-scale': '2',
            'autoscaling.knative.dev/scale-to-zero-pod-retention-period': '90s',
            'autoscaling.knative.dev/target': '20',
            'autoscaling.knative.dev/target-utilization-percentage': '80',
            'autoscaling.knative.dev/metric': 'rps',
            'autoscaling.knative.dev/window': '30s',
            'autoscaling.knative.dev/panic-window-percentage': '20',
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': '8080',
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: 'hello-runner',
          responseStartTimeoutSeconds: 30,
          idleTimeoutSeconds: 60,
          containers: [
            {
              startupProbe: { httpGet: { path: '/readyz' }, periodSeconds: 1, failureThreshold: 60 },
            },
          ],
        },
      },
      traffic: [
        { tag: 'current', revisionName: 'hello-fn-00001', percent: 90 },
        { tag: 'candidate', latestRevision: true, percent: 10 },
      ],
    },
  });
});

test('secrets and config are referenced by name and key, mounted read-only, and never written out', () => {
  const service = manifest('knative/service.yaml') as {
    spec: { template: { spec: { containers: Record<string, unknown>[]; volumes: unknown[] } } };
  };
  const container = service.spec.template.spec.containers[0] as Record<string, unknown>;
  expect(container['env']).toEqual(
    expect.arrayContaining([
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'hello-db', key: 'url' } } },
      {
        name: 'FEATURE_FLAGS',
        valueFrom: { configMapKeyRef: { name: 'hello-config', key: 'flags', optional: true } },
      },
      { name: 'THAW_WARMUP_PATH', value: '/_thaw/warmup' },
    ]),
  );
  expect(container['envFrom']).toEqual([
    { secretRef: { name: 'hello-api-keys' } },
    { configMapRef: { name: 'hello-settings' }, prefix: 'APP_' },
  ]);
  expect(container['volumeMounts']).toEqual(
    expect.arrayContaining([
      { name: 'db-ca', mountPath: '/etc/db-ca', readOnly: true },
      { name: 'rules', mountPath: '/etc/rules', readOnly: true },
      { name: 'scratch', mountPath: '/scratch' },
    ]),
  );
  expect(service.spec.template.spec.volumes).toEqual(
    expect.arrayContaining([
      { name: 'db-ca', secret: { secretName: 'hello-db-ca' } },
      { name: 'rules', configMap: { name: 'hello-rules' } },
      { name: 'scratch', emptyDir: { sizeLimit: '32Mi' } },
    ]),
  );
  // No manifest holds a kind: Secret or a value for a referenced key.
  for (const file of readdirSync(join(report.outDir, 'knative'))) {
    const text = readFileSync(join(report.outDir, 'knative', file), 'utf8');
    expect(text).not.toMatch(/kind: Secret|stringData|postgres:\/\//);
  }
});

test('the Trigger and Broker carry their delivery, and the PingSource pings the warm-up path', () => {
  expect(manifest('knative/trigger.yaml')).toMatchObject({
    spec: {
      broker: 'orders',
      delivery: {
        retry: 5,
        backoffPolicy: 'exponential',
        backoffDelay: 'PT0.5S',
        deadLetterSink: deadLetters,
      },
    },
  });
  expect(manifest('knative/broker.yaml')).toMatchObject({
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Broker',
    metadata: {
      name: 'orders',
      namespace: 'shop',
      annotations: { 'eventing.knative.dev/broker.class': 'MTChannelBasedBroker' },
    },
    spec: { delivery: { retry: 2, backoffPolicy: 'linear', backoffDelay: 'PT1S' } },
  });
  expect(manifest('knative/pingsource.yaml')).toMatchObject({
    apiVersion: 'sources.knative.dev/v1',
    kind: 'PingSource',
    metadata: { name: 'hello-fn-warmup' },
    spec: {
      schedule: '*/10 * * * *',
      timezone: 'Europe/Berlin',
      sink: {
        ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello-fn' },
        uri: '/_thaw/warmup',
      },
    },
  });
});

test('the validator rejects a delivery field the Trigger CRD types differently', () => {
  const trigger = manifest('knative/trigger.yaml') as { kind: string; spec: Record<string, unknown> };
  const bad = { ...trigger, spec: { ...trigger.spec, delivery: { retry: 'five' } } };
  expect(validateManifest(validators, bad)).not.toEqual([]);
});
