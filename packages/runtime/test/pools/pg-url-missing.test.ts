import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { drainPools, pools } from '../../src/pools/index.ts';

describe('pools.pg with no database URL or a refused connection', () => {
  afterAll(async () => {
    await drainPools();
  });

  it('says DATABASE_URL is not set, not pg\'s "no PostgreSQL user name", when the connection string is undefined', async () => {
    const saved = { url: process.env.DATABASE_URL, host: process.env.PGHOST, user: process.env.PGUSER };
    delete process.env.DATABASE_URL;
    delete process.env.PGHOST;
    delete process.env.PGUSER;
    try {
      const error = await pools
        .pg('no-url', { connectionString: process.env.DATABASE_URL })
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: 'THAW_CONFIG_INVALID' });
      expect((error as Error).message).toMatch(
        /^DATABASE_URL is not set: pools\.pg\("no-url"\) got connectionString undefined/,
      );
      expect((error as Error).message).not.toContain('user name');
    } finally {
      for (const [name, value] of [
        ['DATABASE_URL', saved.url],
        ['PGHOST', saved.host],
        ['PGUSER', saved.user],
      ] as const) {
        if (value !== undefined) process.env[name] = value;
      }
    }
  });

  it('names the refused connection in one sentence with no doubled period', async () => {
    // A port that was listening a moment ago and is closed now refuses the connection.
    const port = await new Promise<number>((resolve) => {
      const probe: Server = createServer().listen(0, '127.0.0.1', () => {
        const { port: bound } = probe.address() as { port: number };
        probe.close(() => {
          resolve(bound);
        });
      });
    });
    const error = await pools
      .pg('refused', {
        connectionString: `postgres://postgres@127.0.0.1:${port}/test`,
        checkTimeoutMs: 3_000,
      })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect((error as Error).message).not.toContain('..');
  });
});
