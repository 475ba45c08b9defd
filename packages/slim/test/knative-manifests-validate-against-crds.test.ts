import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from 'yaml';
import { slim, type SlimReport } from '../src/slim.ts';
import { crdValidators, validateManifest } from './support/crd-validator.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';

const validators = crdValidators();
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
      autoscalingClass: 'kpa.autoscaling.knative.dev',
      minScale: 1,
      maxScale: 5,
      initialScale: 1,
      scaleDownDelaySeconds: 900,
      target: 50,
      containerConcurrency: 80,
      cpuRequest: '250m',
      cpuLimit: '1',
      memoryRequest: '96Mi',
      memoryLimit: '128Mi',
      timeoutSeconds: 120,
      env: { TARGET: 'Knative', LOG_LEVEL: 'info' },
      imagePullPolicy: 'Always',
      trigger: { broker: 'orders', filter: { type: 'OrderCreated', source: 'shop/checkout' } },
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

test('every generated manifest validates against its Knative CRD schema', () => {
  expect(report.manifests).toEqual([
    'knative/service.yaml',
    'knative/trigger.yaml',
    'knative/sinkbinding.yaml',
  ]);
  for (const name of report.manifests)
    expect({ name, errors: validateManifest(validators, manifest(name)) }).toEqual({ name, errors: [] });
});

test('the validator rejects a field the CRD does not declare', () => {
  const service = manifest('knative/service.yaml') as { kind: string; spec: Record<string, unknown> };
  const withUnknownField = { ...service, spec: { ...service.spec, replicas: 3 } };
  expect(validateManifest(validators, withUnknownField)).not.toEqual([]);
});

test('the Service carries the chosen cold-start settings', () => {
  const service = manifest('knative/service.yaml');
  expect(service).toMatchObject({
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: { name: 'hello-fn', namespace: 'shop' },
    spec: {
      template: {
        metadata: {
          annotations: {
            'autoscaling.knative.dev/class': 'kpa.autoscaling.knative.dev',
            'autoscaling.knative.dev/min-scale': '1',
            'autoscaling.knative.dev/max-scale': '5',
            'autoscaling.knative.dev/initial-scale': '1',
            'autoscaling.knative.dev/scale-down-delay': '900s',
            'autoscaling.knative.dev/target': '50',
          },
        },
        spec: {
          containerConcurrency: 80,
          timeoutSeconds: 120,
          containers: [
            {
              image: 'hello-fn:latest',
              imagePullPolicy: 'Always',
              env: [
                { name: 'LOG_LEVEL', value: 'info' },
                { name: 'TARGET', value: 'Knative' },
              ],
              resources: { requests: { cpu: '250m', memory: '96Mi' }, limits: { cpu: '1', memory: '128Mi' } },
              readinessProbe: { httpGet: { path: '/readyz' } },
              livenessProbe: { httpGet: { path: '/healthz' } },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory' } }],
        },
      },
    },
  });
});

test('the Trigger routes the filtered events to the Service, and the SinkBinding targets it', () => {
  expect(manifest('knative/trigger.yaml')).toMatchObject({
    spec: {
      broker: 'orders',
      filter: { attributes: { type: 'OrderCreated', source: 'shop/checkout' } },
      subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello-fn' } },
    },
  });
  expect(manifest('knative/sinkbinding.yaml')).toMatchObject({
    spec: {
      subject: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'hello-fn' },
      sink: { ref: { apiVersion: 'eventing.knative.dev/v1', kind: 'Broker', name: 'orders' } },
    },
  });
});

test('the default manifest validates too and writes no Eventing objects', async () => {
  const plain = await slim({
    projectDir: project,
    outDir: 'deploy-defaults',
    compileCache: false,
    logger: recordingLogger(),
  });
  expect(plain.manifests).toEqual(['knative/service.yaml']);
  const service = parse(readFileSync(join(plain.outDir, 'knative/service.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  expect(validateManifest(validators, service)).toEqual([]);
});
