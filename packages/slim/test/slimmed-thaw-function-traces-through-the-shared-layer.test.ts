import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { slim, type SlimReport } from '../src/slim.ts';
import { services } from '../../../test/support/services.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.ts';
import { recordingLogger } from './support/quiet-logger.ts';
import { runDeploy } from './support/run-deploy.ts';

let project: string;
let receiver: OtlpReceiver;
let report: SlimReport;

beforeAll(async () => {
  project = fixtureProject('runtime-pg-fn');
  receiver = await startOtlpReceiver();
  report = await slim({ projectDir: project, outDir: 'deploy', logger: recordingLogger() });
}, 120_000);

afterAll(async () => {
  await receiver.close();
  rmSync(project, { recursive: true, force: true });
});

test('a slimmed thaw function exports its cold start and pg spans through the shared tracing layer', async () => {
  expect(report.manifest.files.some((f) => f.layer === 'tracing')).toBe(true);
  expect(report.instrumented).toEqual(expect.arrayContaining(['pg']));
  // runDeploy copies the folder where no node_modules but its own is reachable.
  const running = await runDeploy(report.outDir, {
    DATABASE_URL: services.postgresUrl,
    K_SERVICE: 'runtime-pg-fn',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
  const pgSpans = (): string[] =>
    receiver.spans.filter((s) => s.scope === '@opentelemetry/instrumentation-pg').map((s) => s.name);
  try {
    expect(await running.get('/')).toEqual({ status: 200, body: { two: 2 } });
    // The SDK loads after the first response; later queries go through the pg instrumentation.
    const deadline = Date.now() + 30_000;
    while (pgSpans().length === 0 && Date.now() < deadline) {
      expect((await running.get('/')).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await running.terminate()).toBe(0);
  } finally {
    await running.stop();
    rmSync(running.dir, { recursive: true, force: true });
  }
  const spans = receiver.spans.map(({ name, scope }) => ({ name, scope }));
  expect(spans).toEqual(
    expect.arrayContaining([
      { name: 'cold start', scope: '@thaw/runtime' },
      { name: 'init postgres', scope: '@thaw/runtime' },
    ]),
  );
  expect(pgSpans()).toEqual(expect.arrayContaining([expect.stringMatching(/^pg\.query/)]));
  expect(running.output()).not.toMatch(/THAW_TELEMETRY_FAILED|PEER_MISSING/);
}, 90_000);

test('an exporter the layer leaves out fails with a message that names tracingSdk, and the function keeps serving', async () => {
  const running = await runDeploy(report.outDir, {
    DATABASE_URL: services.postgresUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4317',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
  });
  try {
    const deadline = Date.now() + 30_000;
    while (!running.output().includes("tracingSdk: 'full'") && Date.now() < deadline) {
      expect(await running.get('/')).toEqual({ status: 200, body: { two: 2 } });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(running.output()).toContain(
      '@opentelemetry/exporter-trace-otlp-grpc is not in this deploy folder',
    );
    expect(await running.get('/')).toEqual({ status: 200, body: { two: 2 } });
  } finally {
    await running.stop();
    rmSync(running.dir, { recursive: true, force: true });
  }
}, 60_000);
