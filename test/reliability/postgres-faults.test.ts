import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycle } from '../../packages/runtime/src/lifecycle.ts';
import { drainPools, pools } from '../../packages/runtime/src/pools/index.ts';
import { startPrivatePostgres } from '../../packages/runtime/test/support/private-postgres.ts';
import { type PrivateServer } from '../../packages/runtime/test/support/private-server.ts';
import { pgConnections, pgTerminate } from '../../packages/runtime/test/support/server-counts.ts';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';
import { byForm } from './support/mode.ts';
import { outageFigures, startLoop } from './support/query-loop.ts';
import { recordFigures } from './support/results.ts';

const app = 'thaw-reliability-pg';
const outageMs = byForm(2_000, 10_000);
const timeoutMs = 1_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function backendPids(url: string): Promise<number[]> {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE application_name = $1',
      [app],
    );
    return rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

describe('Postgres faults', () => {
  let server: PrivateServer;
  let proxy: FaultProxy;
  beforeAll(async () => {
    server = await startPrivatePostgres();
    proxy = await startFaultProxy({ host: '127.0.0.1', port: server.port });
  });
  afterAll(async () => {
    server.freeze(false);
    lifecycle().readyAt = undefined;
    await drainPools();
    await proxy.close();
    await server.close();
  });

  it(
    'survives killed connections, a restart, a frozen server and a network blackhole with errors only during each outage, recovery within a second and no leaked connections',
    { timeout: 180_000 },
    async () => {
      const warnings: string[] = [];
      const pool = await pools.pg('rel-pg', {
        connectionString: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
        application_name: app,
        max: 4,
        min: 1,
        acquireTimeoutMs: timeoutMs,
        // What bounds a query on a connection whose server stopped answering.
        query_timeout: timeoutMs,
        logger: { warn: (message) => warnings.push(message) },
      });
      const loop = startLoop(() => pool.query('SELECT 1'), { workers: 4, pauseMs: 20, maxAttempts: 100_000 });
      const figures: Record<string, unknown> = {};
      try {
        await sleep(500);

        // 1. Idle connections killed by the server.
        const killedAt = performance.now();
        const killed = await pgTerminate(server.url, app);
        await sleep(1_000);
        figures['killedConnections'] = {
          killed,
          ...outageFigures(loop.attempts, { from: killedAt, to: killedAt }, 1_000),
        };

        // 2. Server stopped, then started again on the same port.
        const stoppedAt = performance.now();
        await server.stop();
        await sleep(outageMs);
        await server.start();
        const restartedAt = performance.now();
        await sleep(2_000);
        figures['restart'] = outageFigures(loop.attempts, { from: stoppedAt, to: restartedAt }, 1_000);

        // 3. Server frozen (postmaster and this pool's backends stopped with SIGSTOP).
        const pids = await backendPids(server.url);
        const frozenAt = performance.now();
        server.freeze(true);
        for (const pid of pids) process.kill(pid, 'SIGSTOP');
        await sleep(outageMs);
        for (const pid of pids) process.kill(pid, 'SIGCONT');
        server.freeze(false);
        const thawedAt = performance.now();
        await sleep(2_000);
        figures['frozen'] = {
          backendsFrozen: pids.length,
          ...outageFigures(loop.attempts, { from: frozenAt, to: thawedAt }, 1_000),
        };

        // 4. Network blackhole: the proxy swallows every byte, both ways, on every connection.
        const holeAt = performance.now();
        proxy.setMode({ kind: 'blackhole' });
        await sleep(outageMs);
        proxy.setMode({ kind: 'pass' });
        const healedAt = performance.now();
        await sleep(2_000);
        figures['blackhole'] = outageFigures(loop.attempts, { from: holeAt, to: healedAt }, 1_000);
      } finally {
        await loop.stop();
      }
      const attempts = loop.attempts;
      for (const phase of ['killedConnections', 'restart', 'frozen', 'blackhole']) {
        const result = figures[phase] as {
          errorsAfterRecoveryGrace: number;
          recoveryMs: number;
          longestAttemptMs: number;
        };
        expect({ phase, after: result.errorsAfterRecoveryGrace }).toEqual({ phase, after: 0 });
        // Serving again within 1 s of the database being back (the target of a database outage).
        expect(result.recoveryMs).toBeLessThan(1_000);
        // Each query settles within its bounds (acquire + query timeouts), never hangs.
        expect(result.longestAttemptMs).toBeLessThan(2 * timeoutMs + 250);
      }
      await drainPools();
      const leaked = await pgConnections(server.url, app);
      expect(leaked).toBe(0);
      recordFigures('5. Postgres faults', 1, {
        outageMs,
        queries: attempts.length,
        failedQueries: attempts.filter((a) => a.error !== undefined).length,
        uncaughtExceptions: 0,
        leakedServerConnections: leaked,
        poolWarnings: warnings.length,
        ...figures,
      });
    },
  );
});
