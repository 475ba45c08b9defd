import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { lifecycle } from '../../src/lifecycle.ts';
import { drainPools, pools, PoolClosedError, PoolLeakError } from '../../src/pools/index.ts';
import { pgConnections } from '../support/server-counts.ts';

describe('draining pg pools', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('waits for a borrowed connection that comes back in time and reports no leak', async () => {
    const app = 'thaw-drain-clean';
    const pool = await pools.pg('drain-clean', {
      connectionString: services.postgresUrl,
      application_name: app,
      drainTimeoutMs: 3_000,
    });
    const client = await pool.connect();
    setTimeout(() => {
      client.release();
    }, 200);
    const [report] = await drainPools();
    expect(report).toMatchObject({ poolName: 'drain-clean', kind: 'pg', leaked: 0 });
    expect(report?.durationMs).toBeGreaterThanOrEqual(150);
    expect(await pgConnections(services.postgresUrl, app)).toBe(0);
  });

  it('stops waiting after drainTimeoutMs, destroys the leaked connection and names the pool', async () => {
    const app = 'thaw-drain-leak';
    const logs: string[] = [];
    const pool = await pools.pg('drain-leak', {
      connectionString: services.postgresUrl,
      application_name: app,
      drainTimeoutMs: 300,
      logger: { warn: (message) => logs.push(message) },
    });
    const leaked = await pool.connect();
    const started = Date.now();
    const [report] = await drainPools();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(report).toMatchObject({
      poolName: 'drain-leak',
      leaked: 1,
      leakedWhat: 'connection still borrowed',
    });
    expect(logs.join('\n')).toContain(
      'Pool "drain-leak" (pg) had 1 connection still borrowed 300 ms after draining began',
    );
    expect(await pgConnections(services.postgresUrl, app)).toBe(0);
    // The borrower giving it back late is harmless.
    expect(() => {
      leaked.release();
    }).not.toThrow();
    await expect(pools.pg('drain-leak')).rejects.toThrow(/No pg pool named "drain-leak"/);
  });

  it('registers a disposer that drains in shutdown and throws a PoolLeakError naming the pool when something leaked', async () => {
    const pool = await pools.pg('drain-disposer', {
      connectionString: services.postgresUrl,
      drainTimeoutMs: 200,
      logger: { warn: () => undefined },
    });
    const disposer = lifecycle().disposers.findLast((entry) => entry.name === 'pool drain-disposer (pg)');
    expect(disposer).toBeDefined();
    const held = await pool.connect();
    const closing = pools.pg('drain-disposer');
    const error = await Promise.resolve(disposer!.dispose()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolLeakError);
    expect((error as PoolLeakError).code).toBe('THAW_POOL_LEAKED');
    expect((error as PoolLeakError).poolName).toBe('drain-disposer');
    expect((error as PoolLeakError).leaked).toBe(1);
    await expect(closing).resolves.toBe(pool);
    held.release();
    // Disposing again (drainPools after shutdown, say) neither throws nor reports twice.
    await expect(Promise.resolve(disposer!.dispose())).resolves.toBeUndefined();
  });

  it('refuses new borrows while closing', async () => {
    const pool = await pools.pg('drain-refuse', {
      connectionString: services.postgresUrl,
      drainTimeoutMs: 2_000,
    });
    const held = await pool.connect();
    const draining = drainPools();
    await expect(pools.pg('drain-refuse')).rejects.toBeInstanceOf(PoolClosedError);
    await expect(pool.query('SELECT 1')).rejects.toBeInstanceOf(PoolClosedError);
    held.release();
    await draining;
  });
});
