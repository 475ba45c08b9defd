import { rmSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { slim } from '../src/slim.ts';
import { services } from '../../../test/support/services.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.ts';
import { recordingLogger } from './support/quiet-logger.ts';
import { runDeploy } from './support/run-deploy.ts';

const slimAndRunTimeoutMs = 90_000;
let project: string;
let receiver: OtlpReceiver;

beforeAll(async () => {
  project = fixtureProject('traced-fn');
  receiver = await startOtlpReceiver();
});

afterAll(async () => {
  await receiver.close();
  rmSync(project, { recursive: true, force: true });
});

async function spansAfterTraffic(outDir: string): Promise<{ name: string; scope: string }[]> {
  receiver.spans.length = 0;
  const running = await runDeploy(outDir, {
    DATABASE_URL: services.postgresUrl,
    REDIS_URL: services.redisUrl,
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
  });
  try {
    expect((await running.get('/db')).status).toBe(200);
    expect((await running.get('/cache')).status).toBe(200);
    expect(await running.get('/lazy-redis')).toEqual({ status: 200, body: { pong: 'PONG' } });
    expect((await running.get('/flush')).status).toBe(200);
  } finally {
    await running.stop();
    rmSync(running.dir, { recursive: true, force: true });
  }
  return receiver.spans.map(({ name, scope }) => ({ name, scope }));
}

test.each([
  { instrumentedAs: 'bundled', stubbed: ['ioredis', 'pg', 'pg-pool'] },
  { instrumentedAs: 'external', stubbed: [] },
] as const)(
  'a slimmed function still exports pg and ioredis spans ($instrumentedAs)',
  async ({ instrumentedAs, stubbed }) => {
    const report = await slim({
      projectDir: project,
      outDir: `deploy-${instrumentedAs}`,
      compileCache: false,
      instrumentedAs,
      logger: recordingLogger(),
    });
    expect(report.instrumented).toEqual(expect.arrayContaining(['pg', 'ioredis']));
    expect(report.stubbed).toEqual(stubbed);
    const spans = await spansAfterTraffic(report.outDir);
    expect(spans).toContainEqual({ name: 'fixture /db', scope: 'traced-fn' });
    expect(spans.filter((s) => s.scope === '@opentelemetry/instrumentation-pg').map((s) => s.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pg\.query/)]),
    );
    expect(
      spans.filter((s) => s.scope === '@opentelemetry/instrumentation-ioredis').map((s) => s.name),
    ).toEqual(expect.arrayContaining(['set', 'get', 'ping']));
  },
  // A slim (bundle, trace, copy) plus a run of the deploy: about 20 s on a busy machine.
  slimAndRunTimeoutMs,
);

test(
  'inlining the instrumented packages loses their spans silently, which is why slim keeps them out',
  async () => {
    const report = await slim({
      projectDir: project,
      outDir: 'deploy-inlined',
      compileCache: false,
      instrumentedPackages: [],
      logger: recordingLogger(),
    });
    expect(report.instrumented).toEqual([]);
    const spans = await spansAfterTraffic(report.outDir);
    expect(spans).toContainEqual({ name: 'fixture /db', scope: 'traced-fn' });
    expect(spans.filter((s) => s.scope.startsWith('@opentelemetry/instrumentation-'))).toEqual([]);
  },
  slimAndRunTimeoutMs,
);
