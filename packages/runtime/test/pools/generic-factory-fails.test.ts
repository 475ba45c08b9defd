import { afterEach, describe, expect, it } from 'vitest';
import { drainPools, pools, PoolUnavailableError } from '../../src/pools/index.ts';
import { setReadyAtForTesting } from '../../src/lifecycle.ts';

describe('pools.generic with a factory that always fails', () => {
  afterEach(async () => {
    setReadyAtForTesting(undefined);
    await drainPools();
  });

  it('settles every borrow within acquireTimeoutMs with an error naming the pool, and retries with backoff', async () => {
    let creates = 0;
    const logs: string[] = [];
    const factory = {
      create: (): Promise<{ id: number }> => {
        creates += 1;
        return Promise.reject(new Error('backend refused the connection'));
      },
      destroy: (): Promise<void> => Promise.resolve(),
    };
    const pool = await pools.generic('always-fails', factory, {
      check: false,
      acquireTimeoutMs: 400,
      logger: { warn: (message) => logs.push(message) },
    });
    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => pool.acquire().catch((caught: unknown) => caught)),
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(350);
    expect(elapsed).toBeLessThan(5_000);
    for (const outcome of outcomes) {
      expect(outcome).toBeInstanceOf(PoolUnavailableError);
      const error = outcome as PoolUnavailableError;
      expect(error.poolName).toBe('always-fails');
      expect(error.message).toContain(
        'Pool "always-fails" (generic) could not lend a resource within 400 ms because its factory keeps failing: backend refused the connection',
      );
      expect((error.cause as Error).message).toBe('backend refused the connection');
    }
    // generic-pool alone would retry in a tight loop; with the backoff (50 ms doubling) a handful is all.
    expect(creates).toBeGreaterThan(0);
    expect(creates).toBeLessThan(40);
    expect(logs.filter((line) => line.includes('could not create a resource'))).toHaveLength(1);
  });

  it('rejects its check with the factory error and recovers when the factory starts working', async () => {
    let healthy = false;
    const factory = {
      create: (): Promise<{ ok: true }> =>
        healthy ? Promise.resolve({ ok: true }) : Promise.reject(new Error('not yet')),
      destroy: (): Promise<void> => Promise.resolve(),
    };
    const options = {
      checkTimeoutMs: 500,
      acquireTimeoutMs: 300,
      createRetryDelayMaxMs: 100,
      logger: { warn: () => undefined },
    };
    const error = await pools.generic('recovers', factory, options).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolUnavailableError);
    expect((error as Error).message).toContain(
      'Pool "recovers" (generic) could not complete its check (one borrow)',
    );
    expect((error as Error).message).toContain('not yet');
    healthy = true;
    let pool: Awaited<ReturnType<typeof pools.generic<{ ok: true }>>> | undefined;
    for (let attempt = 0; attempt < 20 && pool === undefined; attempt += 1) {
      pool = await pools.generic('recovers', factory, options).catch(() => undefined);
    }
    expect(pool).toBeDefined();
    await expect(pool!.use((resource) => Promise.resolve(resource.ok))).resolves.toBe(true);
  });
});
