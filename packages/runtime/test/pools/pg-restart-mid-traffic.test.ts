import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainPools, pools } from '../../src/pools/index.ts';
import { startPrivatePostgres } from '../support/private-postgres.ts';
import { type PrivateServer } from '../support/private-server.ts';
import { eventually, pgConnections } from '../support/server-counts.ts';

describe('pools.pg when the server restarts mid-traffic', () => {
  let server: PrivateServer;
  const logger = { warn: () => undefined };

  beforeAll(async () => {
    server = await startPrivatePostgres();
  });

  afterAll(async () => {
    await drainPools();
    await server.close();
  });

  it('fails a bounded number of queries during the outage, recovers fully and leaks no connection', async () => {
    const app = 'thaw-restart';
    const max = 4;
    const pool = await pools.pg('restart', {
      connectionString: server.url,
      application_name: app,
      max,
      acquireTimeoutMs: 2_000,
      logger,
    });
    let ok = 0;
    let failed = 0;
    let running = true;
    // Four workers, each one query at a time, for as long as the restart takes: a bounded loop.
    const worker = async (): Promise<void> => {
      for (let i = 0; running && i < 100_000; i += 1) {
        try {
          await pool.query('SELECT 1');
          ok += 1;
        } catch {
          failed += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const workers = Array.from({ length: max }, () => worker());
    await eventually(() => ok >= 50);
    await server.stopAndStart(300);
    const failedDuringOutage = failed;
    const okBeforeRecovery = ok;
    await eventually(() => ok >= okBeforeRecovery + 50);
    running = false;
    await Promise.all(workers);

    expect(failedDuringOutage).toBeGreaterThan(0);
    // Workers pause 20 ms after a failure; even a slow restart stays far below this bound.
    expect(failed).toBeLessThan(2_000);
    // At most one more failure per connection that was already dead when the server came back.
    expect(failed - failedDuringOutage).toBeLessThanOrEqual(max);
    expect(ok).toBeGreaterThanOrEqual(okBeforeRecovery + 50);
    const afterRecovery = await pgConnections(server.url, app);
    expect(afterRecovery).toBeLessThanOrEqual(max);
    expect(afterRecovery).toBe(pool.totalCount);

    await drainPools();
    expect(await eventually(async () => (await pgConnections(server.url, app)) === 0)).toBe(true);
  });
});
