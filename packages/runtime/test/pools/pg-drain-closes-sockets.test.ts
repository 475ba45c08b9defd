// pg-pool's end() resolves as soon as no client is left in the pool, while their sockets are
// still closing; a count taken then (or a process that exits then) still sees them. thaw's drain
// resolves only once every connection is closed, so the server no longer lists any of them.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools } from '../../src/pools/index.ts';

describe('draining a pg pool', () => {
  // Already connected, so counting takes one round trip and no new backend.
  const monitor = new pg.Client({ connectionString: services.postgresUrl });
  beforeAll(async () => {
    await monitor.connect();
  });
  afterAll(async () => {
    await monitor.end();
  });

  it('resolves only once every connection is closed and the server lists none of them', async () => {
    const rounds = 10;
    const stillOpen: string[] = [];
    for (let round = 0; round < rounds; round += 1) {
      const app = `thaw-drain-sockets-${process.pid}-${round}`;
      const pool = await pools.pg(`drain-sockets-${round}`, {
        connectionString: services.postgresUrl,
        application_name: app,
        max: 4,
      });
      const sockets: Array<{ destroyed: boolean }> = [];
      pool.on('connect', (client) => {
        sockets.push(
          (client as unknown as { connection: { stream: { destroyed: boolean } } }).connection.stream,
        );
      });
      await Promise.all(Array.from({ length: 16 }, () => pool.query('SELECT pg_sleep(0.005)')));
      expect(sockets.length).toBeGreaterThan(0);
      await drainPools();
      const open = sockets.filter((socket) => !socket.destroyed).length;
      const { rows } = await monitor.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
        [app],
      );
      if (open > 0 || rows[0]?.n !== 0)
        stillOpen.push(`round ${round}: ${open} sockets open, server lists ${rows[0]?.n}`);
    }
    expect(stillOpen).toEqual([]);
  });
});
