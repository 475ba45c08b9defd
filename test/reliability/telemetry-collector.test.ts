import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  freePort,
  startFixture,
  type FixtureProcess,
} from '../../packages/runtime/test/support/fixture-process.ts';
import {
  startOtlpCollector,
  type OtlpCollector,
} from '../../packages/runtime/test/tracing/otlp-collector.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { sendRequest } from './support/http-outcome.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';
import { summarize } from './support/stats.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'sleepy.ts');
const flushTimeoutMs = 1_500;

function tracedEnv(endpoint: string, timeoutMs = flushTimeoutMs, idleDelayMs = 0): Record<string, string> {
  return {
    THAW_OTEL: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    THAW_OTEL_IDLE_DELAY_MS: String(idleDelayMs),
    THAW_OTEL_FLUSH_TIMEOUT_MS: String(timeoutMs),
    // Spans wait in the batch until shutdown: the flush is what must deliver them.
    OTEL_BSP_SCHEDULE_DELAY: '60000',
  };
}

describe('telemetry collector faults', () => {
  let child: FixtureProcess | undefined;
  let collector: OtlpCollector | undefined;
  let proxy: FaultProxy | undefined;
  afterEach(async () => {
    await child?.stop();
    await proxy?.close();
    await collector?.close();
    child = undefined;
    proxy = undefined;
    collector = undefined;
  });

  it(
    'completes the shutdown within its bound when the collector is blackholed',
    { timeout: 120_000 },
    async () => {
      const runs = byForm(2, 10);
      collector = await startOtlpCollector();
      const port = Number(new URL(collector.url).port);
      proxy = await startFaultProxy({ host: '127.0.0.1', port }, { kind: 'blackhole' });
      const exitMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        child = startFixture(fixture, { env: tracedEnv(`http://127.0.0.1:${proxy.port}`) });
        const appPort = await child.port;
        for (let index = 0; index < 5; index += 1) {
          expect((await sendRequest({ port: appPort, path: '/?ms=0' })).status).toBe(200);
        }
        // Let the SDK load (idle delay 0) so that the flush really talks to the blackhole.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const sigtermAt = performance.now();
        child.child.kill('SIGTERM');
        expect(await child.exited).toEqual({ code: 0, signal: null });
        exitMs.push(performance.now() - sigtermAt);
        child = undefined;
      }
      expect(proxy.accepted).toBeGreaterThan(0);
      expect(collector.spans).toHaveLength(0);
      // Bounded by flushTimeoutMs, plus the idle-exit target for the rest of the shutdown.
      expect(Math.max(...exitMs)).toBeLessThan(flushTimeoutMs + 500);
      recordFigures('8. collector blackholed', runs, {
        flushTimeoutMs,
        sigtermToExitMs: summarize(exitMs),
        exitCode: 0,
        connectionsToTheBlackhole: proxy.accepted,
      });
    },
  );

  it(
    'ends the flush at once, with one log line, when the collector refuses the connection',
    { timeout: 120_000 },
    async () => {
      const runs = byForm(3, 10);
      // Far above the target, so that waiting for the bound instead of the refusal fails clearly.
      const longFlushTimeoutMs = 20_000;
      const exitMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        // A port nothing listens on: the kernel refuses every connection to it.
        const refusingPort = await freePort();
        child = startFixture(fixture, {
          env: tracedEnv(`http://127.0.0.1:${refusingPort}`, longFlushTimeoutMs),
        });
        const appPort = await child.port;
        for (let index = 0; index < 5; index += 1) {
          expect((await sendRequest({ port: appPort, path: '/?ms=0' })).status).toBe(200);
        }
        // The SDK loads (idle delay 0) and the spans wait in the batch for the flush.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        const sigtermAt = performance.now();
        child.child.kill('SIGTERM');
        expect(await child.exited).toEqual({ code: 0, signal: null });
        exitMs.push(performance.now() - sigtermAt);
        const refusalLines = child
          .stderr()
          .split('\n')
          .filter((line) => line.includes('refused the connection'));
        expect(refusalLines).toHaveLength(1);
        expect(refusalLines[0]).toContain(`127.0.0.1:${refusingPort}`);
        expect(child.stderr()).not.toContain('took longer than');
        child = undefined;
      }
      // The idle-exit target: the refusal ends the flush, the 20 s bound plays no part.
      expect(Math.max(...exitMs)).toBeLessThan(500);
      recordFigures('8. collector refuses connections', runs, {
        flushTimeoutMs: longFlushTimeoutMs,
        sigtermToExitMs: summarize(exitMs),
        exitCode: 0,
      });
    },
  );

  it(
    'skips loading the SDK at shutdown when the collector refuses the connection, and exits promptly',
    { timeout: 120_000 },
    async () => {
      const runs = byForm(3, 10);
      const exitMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        const refusingPort = await freePort();
        // No request and a long idle delay: the SDK is not loaded when SIGTERM arrives, so the
        // flush would have to load it (hundreds of ms of CPU) before it could export.
        child = startFixture(fixture, {
          env: tracedEnv(`http://127.0.0.1:${refusingPort}`, 20_000, 600_000),
        });
        const appPort = await child.port;
        expect((await sendRequest({ port: appPort, path: '/readyz' })).status).toBe(200);
        const sigtermAt = performance.now();
        child.child.kill('SIGTERM');
        expect(await child.exited).toEqual({ code: 0, signal: null });
        exitMs.push(performance.now() - sigtermAt);
        const refusalLines = child
          .stderr()
          .split('\n')
          .filter((line) => line.includes('refused the connection'));
        expect(refusalLines).toHaveLength(1);
        expect(refusalLines[0]).toContain(`127.0.0.1:${refusingPort}`);
        child = undefined;
      }
      expect(Math.max(...exitMs)).toBeLessThan(500);
      recordFigures('8. collector refuses connections, SDK not loaded at SIGTERM', runs, {
        flushTimeoutMs: 20_000,
        sigtermToExitMs: summarize(exitMs),
        exitCode: 0,
      });
    },
  );

  it(
    'loads the SDK at shutdown and exports the cold start when the collector listens',
    { timeout: 120_000 },
    async () => {
      const runs = byForm(2, 5);
      collector = await startOtlpCollector();
      for (let run = 0; run < runs; run += 1) {
        const before = collector.spans.length;
        child = startFixture(fixture, { env: tracedEnv(collector.url, 20_000, 600_000) });
        const appPort = await child.port;
        expect((await sendRequest({ port: appPort, path: '/readyz' })).status).toBe(200);
        child.child.kill('SIGTERM');
        expect(await child.exited).toEqual({ code: 0, signal: null });
        expect(child.stderr()).not.toContain('thaw.telemetry.error');
        child = undefined;
        expect(collector.spans.slice(before).map((span) => span.name)).toContain('cold start');
      }
    },
  );

  it('delivers every span ended before SIGTERM to a working collector', { timeout: 120_000 }, async () => {
    const runs = byForm(5, 30);
    const perRun = 20;
    collector = await startOtlpCollector();
    let delivered = 0;
    for (let run = 0; run < runs; run += 1) {
      child = startFixture(fixture, { env: tracedEnv(collector.url) });
      const appPort = await child.port;
      const ids = Array.from({ length: perRun }, (_, index) => `span-${run}-${index}`);
      await Promise.all(
        ids.map(async (id) => {
          const outcome = await sendRequest({
            port: appPort,
            path: '/?ms=10',
            headers: { 'x-request-id': id },
          });
          expect(outcome.status).toBe(200);
        }),
      );
      child.child.kill('SIGTERM');
      expect(await child.exited).toEqual({ code: 0, signal: null });
      child = undefined;
      const received = new Set(collector.spans.map((span) => span.attributes['faas.invocation_id']));
      const missing = ids.filter((id) => !received.has(id));
      expect({ run, missing }).toEqual({ run, missing: [] });
      delivered += ids.length;
    }
    recordFigures('8. spans delivered at shutdown', runs, {
      spansEndedBeforeSigterm: runs * perRun,
      delivered,
      deliveredPercent: (100 * delivered) / (runs * perRun),
    });
  });
});
