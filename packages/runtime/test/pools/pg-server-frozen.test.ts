import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainPools, pools, PoolUnavailableError } from '../../src/pools/index.ts';
import { startPrivatePostgres } from '../support/private-postgres.ts';
import { type PrivateServer } from '../support/private-server.ts';

describe('pools.pg when the server hangs', () => {
  let server: PrivateServer;

  beforeAll(async () => {
    server = await startPrivatePostgres();
  });

  afterAll(async () => {
    server.freeze(false);
    await drainPools();
    await server.close();
  });

  it('fails a borrow that needs a new connection after acquireTimeoutMs instead of hanging, and recovers after', async () => {
    const pool = await pools.pg('frozen', {
      connectionString: server.url,
      min: 0,
      acquireTimeoutMs: 800,
      logger: { warn: () => undefined },
    });
    const held = await pool.connect();
    server.freeze(true);
    try {
      const started = Date.now();
      // The one open connection is borrowed, so this borrow needs a new one from the hung server.
      const error = await pool.query('SELECT 1').catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(error).toBeInstanceOf(PoolUnavailableError);
      expect((error as Error).message).toContain(
        'Pool "frozen" (pg) could not open a connection: Connection terminated due to connection timeout',
      );
    } finally {
      server.freeze(false);
      held.release();
    }
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });
});
