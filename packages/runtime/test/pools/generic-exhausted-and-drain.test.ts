import { afterEach, describe, expect, it } from 'vitest';
import { drainPools, pools, PoolExhaustedError, statsKeyOf } from '../../src/pools/index.ts';
import { lifecycle, setReadyAtForTesting } from '../../src/lifecycle.ts';

function counterFactory(): {
  factory: { create: () => Promise<{ id: number }>; destroy: () => Promise<void> };
  alive: () => number;
} {
  let next = 0;
  let alive = 0;
  return {
    factory: {
      create: () => {
        alive += 1;
        next += 1;
        return Promise.resolve({ id: next });
      },
      destroy: () => {
        alive -= 1;
        return Promise.resolve();
      },
    },
    alive: () => alive,
  };
}

describe('pools.generic when exhausted and when drained', () => {
  afterEach(async () => {
    setReadyAtForTesting(undefined);
    await drainPools();
  });

  it('fails a borrow after acquireTimeoutMs with an error naming the pool, its size and the waiters', async () => {
    const { factory } = counterFactory();
    const pool = await pools.generic('generic-full', factory, { max: 2, acquireTimeoutMs: 300 });
    const held = [await pool.acquire(), await pool.acquire()];
    const started = Date.now();
    const error = await pool.acquire().catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(error).toBeInstanceOf(PoolExhaustedError);
    expect(error).toMatchObject({ poolName: 'generic-full', size: 2, borrowed: 2, waiting: 1 });
    expect((error as Error).message).toContain(
      'Pool "generic-full" (generic) had no free resource within 300 ms',
    );
    expect(lifecycle().stats.get(statsKeyOf('generic-full'))!()).toMatchObject({
      size: 2,
      borrowed: 2,
      idle: 0,
      max: 2,
    });
    for (const resource of held) await pool.release(resource);
  });

  it('destroys what is still borrowed after drainTimeoutMs, reports it by pool name, and destroys the idle ones', async () => {
    const { factory, alive } = counterFactory();
    const logs: string[] = [];
    const pool = await pools.generic('generic-leak', factory, {
      max: 3,
      drainTimeoutMs: 200,
      logger: { warn: (message) => logs.push(message) },
    });
    const kept = await pool.acquire();
    const returned = await pool.acquire();
    await pool.release(returned);
    expect(alive()).toBe(2);
    expect(kept.id).toBeGreaterThan(0);
    const [report] = await drainPools();
    expect(report).toMatchObject({
      poolName: 'generic-leak',
      kind: 'generic',
      leaked: 1,
      leakedWhat: 'resource still borrowed',
    });
    expect(logs.join('\n')).toContain(
      'Pool "generic-leak" (generic) had 1 resource still borrowed 200 ms after draining began',
    );
    expect(alive()).toBe(0);
  });

  it('warms up to min after ready', async () => {
    const { factory, alive } = counterFactory();
    const pool = await pools.generic('generic-warm', factory, { min: 3, max: 5, check: false });
    expect(alive()).toBe(0);
    const warmUp = lifecycle().afterReady.findLast((entry) => entry.name === 'pool generic-warm warm-up');
    setReadyAtForTesting(performance.now());
    await warmUp!.run();
    expect(alive()).toBe(3);
    expect(pool.available).toBe(3);
  });
});
