import { afterEach, describe, expect, it } from 'vitest';
import { lifecycle } from '../../src/lifecycle.ts';
import { closePool, drainPools, pools, statsKeyOf } from '../../src/pools/index.ts';

describe('a pool name after its pool was closed', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('is free for a new pool, whose gauges and drain the old pool’s disposer leaves alone', async () => {
    const factory = { create: () => Promise.resolve({}), destroy: () => Promise.resolve() };
    const first = await pools.generic('reused', factory);
    const firstDisposer = lifecycle().disposers.findLast((entry) => entry.name === 'pool reused (generic)');
    await closePool('reused');
    const second = await pools.generic('reused', factory);
    expect(second).not.toBe(first);
    // Shutdown runs every disposer; the first pool's must not touch the second pool.
    await firstDisposer!.dispose();
    expect(lifecycle().stats.has(statsKeyOf('reused'))).toBe(true);
    expect(await pools.generic('reused')).toBe(second);
    await expect(second.use(() => Promise.resolve('still lending'))).resolves.toBe('still lending');
  });
});
