import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools } from '../../src/pools/index.ts';
import { eventually, pgConnections, pgTerminate } from '../support/server-counts.ts';

describe('pools.pg when a connection is killed under the pool', () => {
  const logs: string[] = [];
  const logger = { warn: (message: string) => logs.push(message) };

  afterEach(async () => {
    await drainPools();
  });

  it('drops a killed idle connection without an unhandled error and lends a healthy one next', async () => {
    const app = 'thaw-killed-idle';
    const pool = await pools.pg('killed-idle', {
      connectionString: services.postgresUrl,
      application_name: app,
      logger,
    });
    expect(await pgTerminate(services.postgresUrl, app)).toBe(1);
    expect(await eventually(() => pool.totalCount === 0)).toBe(true);
    expect(logs.join('\n')).toContain('Pool "killed-idle" (pg) dropped an idle connection');
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
    expect(await pgConnections(services.postgresUrl, app)).toBe(1);
  });

  it('fails the query in flight on a killed connection at once with a clear error, never a hang', async () => {
    const app = 'thaw-killed-busy';
    const pool = await pools.pg('killed-busy', {
      connectionString: services.postgresUrl,
      application_name: app,
      logger,
    });
    const started = Date.now();
    const slow = pool.query('SELECT pg_sleep(20)').catch((caught: unknown) => caught);
    expect(await eventually(async () => (await pgTerminate(services.postgresUrl, app)) === 1)).toBe(true);
    const error = (await slow) as Error & { code?: string };
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('57P01');
    expect(error.message).toContain('terminating connection due to administrator command');
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });

  it('keeps the process alive when a borrowed client is killed between two queries; its next query fails clearly', async () => {
    const app = 'thaw-killed-borrowed';
    const pool = await pools.pg('killed-borrowed', {
      connectionString: services.postgresUrl,
      application_name: app,
      logger,
    });
    const client = await pool.connect();
    try {
      await client.query('SELECT 1');
      expect(await pgTerminate(services.postgresUrl, app)).toBe(1);
      expect(
        await eventually(() =>
          logs.some((line) => line.includes('"killed-borrowed" (pg) lost a borrowed connection')),
        ),
      ).toBe(true);
      await expect(client.query('SELECT 1')).rejects.toThrow(/not queryable|terminated|closed/i);
    } finally {
      client.release(true);
    }
    const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });
});
