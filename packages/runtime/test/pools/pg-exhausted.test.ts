import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools, PoolExhaustedError } from '../../src/pools/index.ts';

describe('pools.pg when every connection is borrowed', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('fails the waiting borrow after acquireTimeoutMs with an error naming the pool, its size and the waiters', async () => {
    const acquireTimeoutMs = 500;
    const pool = await pools.pg('exhausted', {
      connectionString: services.postgresUrl,
      max: 2,
      acquireTimeoutMs,
      logger: { warn: () => undefined },
    });
    const held = [await pool.connect(), await pool.connect()];
    try {
      const started = Date.now();
      const [viaConnect, viaQuery] = await Promise.all([
        pool.connect().catch((caught: unknown) => caught),
        pool.query('SELECT 1').catch((caught: unknown) => caught),
      ]);
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(acquireTimeoutMs - 50);
      expect(elapsed).toBeLessThan(acquireTimeoutMs + 5_000);
      for (const error of [viaConnect, viaQuery]) {
        expect(error).toBeInstanceOf(PoolExhaustedError);
        const exhausted = error as PoolExhaustedError;
        expect(exhausted.code).toBe('THAW_POOL_EXHAUSTED');
        expect(exhausted.poolName).toBe('exhausted');
        expect(exhausted.size).toBe(2);
        expect(exhausted.borrowed).toBe(2);
        expect(exhausted.message).toContain('Pool "exhausted" (pg) had no free resource within 500 ms');
        expect(exhausted.message).toMatch(/2 of its 2 are borrowed and [12] requests are waiting/);
        expect(exhausted.cause).toBeInstanceOf(Error);
      }
      expect((viaConnect as PoolExhaustedError).waiting + (viaQuery as PoolExhaustedError).waiting).toBe(3);
    } finally {
      for (const client of held) client.release();
    }
    await expect(pool.query('SELECT 1')).resolves.toBeDefined();
  });
});
