import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { lifecycle, setReadyAtForTesting } from '../../src/lifecycle.ts';
import { drainPools, pools, statsKeyOf } from '../../src/pools/index.ts';
import { eventually } from '../support/server-counts.ts';

describe('pg pools and the process lifecycle', () => {
  afterEach(async () => {
    setReadyAtForTesting(undefined);
    await drainPools();
  });

  it('publishes size, idle, borrowed, waiting and the startup timing as gauges', async () => {
    const pool = await pools.pg('gauges', { connectionString: services.postgresUrl, max: 3, min: 0 });
    const stats = lifecycle().stats.get(statsKeyOf('gauges'));
    expect(stats).toBeDefined();
    const held = await pool.connect();
    try {
      expect(stats!()).toMatchObject({
        size: 1,
        idle: 0,
        borrowed: 1,
        waiting: 0,
        max: 3,
        min: 0,
        verified: 1,
        checkFailures: 0,
      });
      expect(stats!()['startupMs']).toBeGreaterThanOrEqual(0);
    } finally {
      held.release();
    }
    expect(stats!()).toMatchObject({ size: 1, idle: 1, borrowed: 0 });
    await drainPools();
    expect(lifecycle().stats.has(statsKeyOf('gauges'))).toBe(false);
  });

  it('warms up to min only after the process is ready, through afterReady', async () => {
    const pool = await pools.pg('warm-later', { connectionString: services.postgresUrl, min: 3, max: 5 });
    expect(pool.totalCount).toBe(1);
    const warmUp = lifecycle().afterReady.findLast((entry) => entry.name === 'pool warm-later warm-up');
    expect(warmUp).toBeDefined();
    setReadyAtForTesting(performance.now());
    await warmUp!.run();
    expect(pool.totalCount).toBe(3);
    expect(pool.idleCount).toBe(3);
    expect(lifecycle().stats.get(statsKeyOf('warm-later'))!()['warmMs']).toBeGreaterThanOrEqual(0);
  });

  it('warms up at once when created after the process is ready', async () => {
    setReadyAtForTesting(performance.now());
    const before = lifecycle().afterReady.length;
    const pool = await pools.pg('warm-now', { connectionString: services.postgresUrl, min: 2, max: 4 });
    expect(lifecycle().afterReady.length).toBe(before);
    expect(await eventually(() => pool.idleCount === 2)).toBe(true);
    expect(pool.totalCount).toBe(2);
  });

  it('does not warm up when warm is off', async () => {
    setReadyAtForTesting(performance.now());
    const pool = await pools.pg('warm-off', { connectionString: services.postgresUrl, min: 2, warm: false });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pool.totalCount).toBe(1);
  });
});
