import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clientChildren,
  firstTraceparent,
  runTracedPoolsScenario,
  secondTraceparent,
  serverSpan,
  type ScenarioRun,
} from './traced-pools-scenario.ts';

describe('a served function with critical pg and Redis pools, traced by thaw’s own SDK', () => {
  let run: ScenarioRun;

  beforeAll(async () => {
    const fixture = fileURLToPath(new URL('fixtures/traced-pools.ts', import.meta.url));
    run = await runTracedPoolsScenario(fixture, fileURLToPath(new URL('.', import.meta.url)));
  }, 60_000);

  it('answers every request and exits cleanly on SIGTERM', () => {
    expect(run.responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(JSON.parse(run.responses[0]!.body)).toEqual({ path: '/first', stored: '/first' });
    expect(run.exit.code).toBe(0);
    expect(run.stderr).not.toContain('thaw.telemetry.error');
  });

  it('has loaded no OpenTelemetry package at ready, and starts loading them only after the first response', () => {
    const atReady = run.messages.find((m) => m['type'] === 'test:at-ready')!;
    expect(atReady['sdkMs']).toBeNull();
    expect(atReady['openTelemetry']).toEqual([]);
    const startup = run.messages.find((m) => m['type'] === 'thaw:startup') as
      { report: { milestones: { firstResponseMs?: number } } } | undefined;
    const firstResponseMs = startup?.report.milestones.firstResponseMs;
    expect(firstResponseMs).toEqual(expect.any(Number));
    const atShutdown = run.messages.find((m) => m['type'] === 'test:at-shutdown')!;
    // The first response was finished before anything of OpenTelemetry was even resolved, so
    // loading the SDK and its instrumentations cannot have delayed it.
    expect(atShutdown['firstOpenTelemetryMs']).toBeGreaterThan(firstResponseMs!);
    expect(atShutdown['sdkMs']).toBeGreaterThan(firstResponseMs!);
    // The light path: no @opentelemetry/sdk-node.
    expect(atShutdown['sdkNodeMs']).toBeNull();
  });

  it('replays the first invocation as the cold start under the incoming traceparent', () => {
    const first = serverSpan(run.spans, '/first')!;
    expect(first).toBeDefined();
    expect(first.traceId).toBe(firstTraceparent.split('-')[1]);
    expect(first.parentSpanId).toBe(firstTraceparent.split('-')[2]);
    expect(first.attributes).toMatchObject({ 'faas.coldstart': true, 'thaw.replayed': true });
  });

  it('has no pg or Redis spans for the first invocation, whose calls ran before the SDK loaded', () => {
    // The documented gap: nothing instruments pg or ioredis until the SDK is loaded, after the
    // first response, so those calls leave no spans to replay.
    const first = serverSpan(run.spans, '/first')!;
    expect(clientChildren(run.spans, first)).toEqual([]);
  });

  it('nests live pg and Redis spans under a later invocation, in the caller’s trace', () => {
    const second = serverSpan(run.spans, '/second')!;
    expect(second.attributes['faas.coldstart']).toBe(false);
    expect(second.attributes['thaw.replayed']).toBeUndefined();
    expect(second.traceId).toBe(secondTraceparent.split('-')[1]);
    const children = clientChildren(run.spans, second);
    const pg = children.filter((span) => span.scope.includes('instrumentation-pg'));
    const redis = children.filter((span) => span.scope.includes('instrumentation-ioredis'));
    expect(pg.map((span) => span.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pg\.query/), 'pg-pool.connect']),
    );
    expect(redis.map((span) => span.name).sort()).toEqual(['get', 'set']);
    for (const span of children) expect(span.traceId).toBe(second.traceId);
  });

  it('exports the invocation answered just before SIGTERM with its pg and Redis spans', () => {
    const last = serverSpan(run.spans, '/last')!;
    expect(last).toBeDefined();
    const names = clientChildren(run.spans, last).map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^pg\.query/), 'set', 'get']));
  });

  it('replays the cold start root with the initializers, ready and the SDK load as phases', () => {
    const root = run.spans.find((span) => span.name === 'cold start')!;
    const phases = run.spans.filter((span) => span.parentSpanId === root.spanId).map((span) => span.name);
    expect(phases).toEqual(
      expect.arrayContaining(['init postgres', 'init redis', 'ready', 'first response', 'tracing sdk load']),
    );
    expect(root.resource['service.name']).toBe('traced-pools');
  });
});
