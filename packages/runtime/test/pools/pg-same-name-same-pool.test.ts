import { afterEach, describe, expect, it, vi } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools, PoolExistsError } from '../../src/pools/index.ts';
import type * as PoolsModule from '../../src/pools/index.ts';

const quiet = { warn: () => undefined };

describe('pools.pg with the same name', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('returns the one pool for the same name and an equal configuration', async () => {
    const first = await pools.pg('same-name', {
      connectionString: services.postgresUrl,
      max: 2,
      logger: quiet,
    });
    const second = await pools.pg('same-name', {
      connectionString: services.postgresUrl,
      max: 2,
      logger: quiet,
    });
    const byName = await pools.pg('same-name');
    expect(second).toBe(first);
    expect(byName).toBe(first);
    const { rows } = await first.query<{ one: number }>('SELECT 1 AS one');
    expect(rows[0]?.one).toBe(1);
  });

  it('names a pool "pg" when no name is given', async () => {
    const pool = await pools.pg({ connectionString: services.postgresUrl, logger: quiet });
    expect(await pools.pg('pg')).toBe(pool);
    // A connection string is the same configuration as { connectionString } (the logger is not compared).
    expect(await pools.pg(services.postgresUrl)).toBe(pool);
  });

  it('rejects another configuration for the same name, showing both with the password redacted', async () => {
    await pools.pg('taken', {
      connectionString: services.postgresUrl,
      max: 2,
      password: 'hunter2',
      logger: quiet,
    });
    const error = await pools
      .pg('taken', { connectionString: 'postgres://app:s3cret@127.0.0.1:1/other', max: 3, logger: quiet })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolExistsError);
    const { code, message } = error as PoolExistsError;
    expect(code).toBe('THAW_POOL_EXISTS');
    expect(message).toContain('"max":2');
    expect(message).toContain('"max":3');
    expect(message).toContain('postgres://app:***@127.0.0.1:1/other');
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('s3cret');
  });

  it('says so when two configurations differ only in a secret', async () => {
    await pools.pg('secret-only', {
      connectionString: services.postgresUrl,
      password: 'first-pw-x1',
      logger: quiet,
    });
    const error = await pools
      .pg('secret-only', { connectionString: services.postgresUrl, password: 'second-pw-y2', logger: quiet })
      .catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('differ only in a secret value');
    expect((error as Error).message).not.toMatch(/first-pw-x1|second-pw-y2/);
  });

  it('shares the registry with a second copy of the module in the same process', async () => {
    const first = await pools.pg('copies', { connectionString: services.postgresUrl, logger: quiet });
    vi.resetModules();
    // A query string makes the loader evaluate the module again: a second copy, as a bundle would carry.
    const specifier = '../../src/pools/index.ts?second-copy';
    const copy = (await import(specifier)) as typeof PoolsModule;
    expect(copy.pools).not.toBe(pools);
    expect(await copy.pools.pg('copies')).toBe(first);
  });
});
