import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { lifecycle } from '../../src/lifecycle.ts';
import { drainPools, pools } from '../../src/pools/index.ts';

describe('draining several pools', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('drains newest first, and registers disposers in creation order so shutdown (which runs them in reverse) does too', async () => {
    const resource = { create: () => Promise.resolve({}), destroy: () => Promise.resolve() };
    await pools.pg('first', { connectionString: services.postgresUrl });
    await pools.redis('second', services.redisUrl);
    await pools.generic('third', resource);
    const names = lifecycle()
      .disposers.map((disposer) => disposer.name)
      .filter((name) => ['pool first (pg)', 'pool second (redis)', 'pool third (generic)'].includes(name));
    expect(names.slice(-3)).toEqual(['pool first (pg)', 'pool second (redis)', 'pool third (generic)']);
    const reports = await drainPools();
    expect(reports.map((report) => report.poolName)).toEqual(['third', 'second', 'first']);
    expect(pools.names()).toEqual([]);
  });
});
