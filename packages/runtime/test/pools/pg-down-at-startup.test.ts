import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycle } from '../../src/lifecycle.ts';
import { drainPools, pools, PoolUnavailableError, statsKeyOf } from '../../src/pools/index.ts';
import { startPrivatePostgres } from '../support/private-postgres.ts';
import { type PrivateServer } from '../support/private-server.ts';

describe('pools.pg when the database is down at startup', () => {
  let server: PrivateServer;
  const logs: string[] = [];
  const logger = { warn: (message: string) => logs.push(message) };

  beforeAll(async () => {
    server = await startPrivatePostgres();
    await server.stop();
  });

  afterAll(async () => {
    await drainPools();
    await server.close();
  });

  it('rejects its check clearly, keeps the pool, and resolves once the server is back', async () => {
    const config = { connectionString: server.url, checkTimeoutMs: 3_000, logger };
    const unhandled: unknown[] = [];
    const onUnhandled = (error: unknown): void => {
      unhandled.push(error);
    };
    process.on('uncaughtException', onUnhandled);
    try {
      const started = Date.now();
      // Concurrent callers share one check, and all see its failure.
      const [error, second] = await Promise.all([
        pools.pg('down-at-start', config).catch((caught: unknown) => caught),
        pools.pg('down-at-start', config).catch((caught: unknown) => caught),
      ]);
      expect(second).toBe(error);
      expect(lifecycle().stats.get(statsKeyOf('down-at-start'))!()).toMatchObject({
        verified: 0,
        checkFailures: 1,
      });
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toBeInstanceOf(PoolUnavailableError);
      expect((error as PoolUnavailableError).code).toBe('THAW_POOL_UNAVAILABLE');
      expect((error as Error).message).toContain(
        'Pool "down-at-start" (pg) could not complete its check (SELECT 1)',
      );
      expect((error as Error).message).toContain('ECONNREFUSED');
      expect((error as Error).message).toContain('the next call to pools.pg("down-at-start") checks again');
      expect(pools.names()).toContain('down-at-start');

      await server.start();
      // What an initializer with retries does: call again until it resolves.
      let pool: Awaited<ReturnType<typeof pools.pg>> | undefined;
      for (let attempt = 0; attempt < 20 && pool === undefined; attempt += 1) {
        pool = await pools.pg('down-at-start', config).catch(() => undefined);
      }
      expect(pool).toBeDefined();
      const { rows } = await pool!.query<{ one: number }>('SELECT 1 AS one');
      expect(rows[0]?.one).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('uncaughtException', onUnhandled);
    }
  });
});
