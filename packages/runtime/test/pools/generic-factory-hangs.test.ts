import { afterEach, describe, expect, it } from 'vitest';
import { drainPools, pools, PoolUnavailableError } from '../../src/pools/index.ts';

describe('pools.generic with a factory that hangs', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('fails the borrow after acquireTimeoutMs saying creating took too long, not that the pool is exhausted', async () => {
    const timers: NodeJS.Timeout[] = [];
    const factory = {
      // Settles long after the borrow gave up, as a hung backend eventually times out.
      create: (): Promise<object> =>
        new Promise((resolve) => {
          timers.push(
            setTimeout(() => {
              resolve({});
            }, 1_500),
          );
        }),
      destroy: (): Promise<void> => Promise.resolve(),
    };
    const pool = await pools.generic('hangs', factory, { check: false, acquireTimeoutMs: 300 });
    const started = Date.now();
    const error = await pool.acquire().catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(error).toBeInstanceOf(PoolUnavailableError);
    expect((error as Error).message).toContain(
      'Pool "hangs" (generic) could not lend a resource within 300 ms: creating one took longer than that',
    );
    // The late resource joins the pool; draining destroys it, and no timer outlives the test.
    await drainPools();
    for (const timer of timers) clearTimeout(timer);
  });
});
