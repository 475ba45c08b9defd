import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycle } from '../../packages/runtime/src/lifecycle.ts';
import { defaultRedisClientOptions, drainPools, pools } from '../../packages/runtime/src/pools/index.ts';
import { startPrivateRedis } from '../../packages/runtime/test/support/private-redis.ts';
import { type PrivateServer } from '../../packages/runtime/test/support/private-server.ts';
import { redisConnections } from '../../packages/runtime/test/support/server-counts.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { byForm } from './support/mode.ts';
import { outageFigures, startLoop } from './support/query-loop.ts';
import { recordFigures } from './support/results.ts';

const outageMs = byForm(10_000, 60_000);
const name = 'thaw-reliability-redis';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('Redis down', () => {
  let server: PrivateServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startPrivateRedis();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
  });
  afterAll(async () => {
    lifecycle().readyAt = undefined;
    await drainPools();
    await proxy.close();
    await server.close();
  });

  it(
    'fails commands within their budget, reconnects at most once per backoff interval, logs once, keeps the event loop free and recovers',
    { timeout: outageMs + 60_000 },
    async () => {
      const warnings: Array<{ at: number; message: string }> = [];
      const redis = await pools.redis('rel-redis', {
        host: '127.0.0.1',
        port: proxy.port,
        connectionName: name,
        logger: { warn: (message) => warnings.push({ at: performance.now(), message }) },
      });
      const budgetMs = defaultRedisClientOptions.commandTimeout + defaultRedisClientOptions.connectTimeout;
      const loop = startLoop(() => redis.incr('rel-counter'), {
        workers: 4,
        pauseMs: 20,
        maxAttempts: 100_000,
      });
      const lag = monitorEventLoopDelay({ resolution: 10 });
      let downAt = 0;
      let upAt = 0;
      let acceptedDuring: number[] = [];
      try {
        await sleep(500);
        const acceptedBefore = proxy.accepted;
        downAt = performance.now();
        lag.enable();
        await server.stop();
        await sleep(outageMs);
        lag.disable();
        acceptedDuring = proxy.acceptedAt.slice(acceptedBefore).filter((at) => at <= performance.now());
        await server.start();
        upAt = performance.now();
        await sleep(3_000);
      } finally {
        lag.disable();
        await loop.stop();
      }
      const figures = outageFigures(loop.attempts, { from: downAt, to: upAt }, 2_000);
      const gaps = acceptedDuring.slice(1).map((at, index) => at - (acceptedDuring[index] ?? at));
      // After the backoff has reached its cap, reconnections are at least the cap apart (less a margin).
      const cap = defaultRedisClientOptions.retryDelayMaxMs;
      const steady = acceptedDuring.filter((at) => at > downAt + 3 * cap);
      const steadyGaps = steady.slice(1).map((at, index) => at - (steady[index] ?? at));
      const outageWarnings = warnings.filter((w) => w.at >= downAt && w.at <= upAt + 2_000);
      const lagP99Ms = lag.percentile(99) / 1e6;
      const lagMaxMs = lag.max / 1e6;

      expect(figures.errorsAfterRecoveryGrace).toBe(0);
      // Back at the next reconnection attempt, which is at most the backoff cap away.
      expect(figures.recoveryMs).toBeLessThan(defaultRedisClientOptions.retryDelayMaxMs + 500);
      expect(figures.longestAttemptMs).toBeLessThan(budgetMs + 250);
      expect(Math.min(...steadyGaps)).toBeGreaterThan(cap * 0.8);
      expect(acceptedDuring.length).toBeLessThanOrEqual(Math.ceil(outageMs / cap) + 10);
      expect(outageWarnings.length).toBeLessThanOrEqual(Math.ceil(outageMs / cap));
      // Lag over Knative's 100 ms probe timeout would fail readiness probes during the outage.
      expect(lagP99Ms).toBeLessThan(100);
      await drainPools();
      expect(await redisConnections(server.url, name)).toBe(0);
      recordFigures('6. Redis down', 1, {
        outageMs,
        commands: loop.attempts.length,
        failedCommands: loop.attempts.filter((a) => a.error !== undefined).length,
        commandBudgetMs: budgetMs,
        ...figures,
        reconnectAttempts: acceptedDuring.length,
        minGapBetweenAttemptsMs: Math.round(Math.min(...gaps)),
        minGapOnceBackoffCappedMs: Math.round(Math.min(...steadyGaps)),
        backoffCapMs: cap,
        logLinesDuringOutage: outageWarnings.length,
        eventLoopLagP99Ms: Math.round(lagP99Ms * 10) / 10,
        eventLoopLagMaxMs: Math.round(lagMaxMs * 10) / 10,
        leakedServerConnections: 0,
      });
    },
  );
});
