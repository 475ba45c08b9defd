// A host name that does not resolve (a cluster-internal Service name used outside the cluster):
// the pool's error names the host, the environment variable that holds the URL and the fix, for
// pg and for Redis. `.invalid` never resolves (RFC 6761), so the test does not depend on the
// machine's DNS.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { drainPools, pools, PoolHostUnresolvedError, PoolUnavailableError } from '../../src/pools/index.ts';

const redisUrl = 'redis://cache.thaw-test.invalid:6379';
const pgUrl = 'postgres://app:s3cret@orders-db.thaw-test.invalid:5432/orders';

describe('a pool whose host name does not resolve', () => {
  const saved = { redis: process.env['REDIS_URL'], pg: process.env['DATABASE_URL'] };
  afterEach(() => {
    if (saved.redis === undefined) delete process.env['REDIS_URL'];
    else process.env['REDIS_URL'] = saved.redis;
    if (saved.pg === undefined) delete process.env['DATABASE_URL'];
    else process.env['DATABASE_URL'] = saved.pg;
  });
  afterAll(async () => {
    await drainPools();
  });

  it('redis: rejects naming the host, REDIS_URL and what to set, not "max retries per request"', async () => {
    process.env['REDIS_URL'] = redisUrl;
    const error = await pools
      .redis('unresolved-cache', process.env['REDIS_URL'])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolHostUnresolvedError);
    expect(error).toBeInstanceOf(PoolUnavailableError);
    expect(error).toMatchObject({ code: 'THAW_POOL_UNAVAILABLE', host: 'cache.thaw-test.invalid' });
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Pool "unresolved-cache" \(redis\) cannot connect: getaddrinfo (ENOTFOUND|EAI_AGAIN) cache\.thaw-test\.invalid\./,
    );
    expect(message).toContain(`REDIS_URL (${redisUrl}) names it`);
    expect(message).toContain('set REDIS_URL to a server this process can reach');
    expect(message).not.toContain('max retries');
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('pg: rejects naming the host and DATABASE_URL, with the password redacted', async () => {
    process.env['DATABASE_URL'] = pgUrl;
    const error = await pools
      .pg('unresolved-orders', { connectionString: process.env['DATABASE_URL'], checkTimeoutMs: 5_000 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolHostUnresolvedError);
    expect(error).toMatchObject({ host: 'orders-db.thaw-test.invalid' });
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Pool "unresolved-orders" \(pg\) cannot connect: getaddrinfo (ENOTFOUND|EAI_AGAIN) orders-db/,
    );
    expect(message).toContain(
      'DATABASE_URL (postgres://app:***@orders-db.thaw-test.invalid:5432/orders) names it',
    );
    expect(message).not.toContain('s3cret');
  });

  it('names the variable it would come from when no environment variable holds the URL', async () => {
    delete process.env['REDIS_URL'];
    const error = await pools
      .redis('unresolved-literal', { host: 'literal.thaw-test.invalid', port: 6379 })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PoolHostUnresolvedError);
    const message = (error as Error).message;
    expect(message).toContain("The pool's configuration names it");
    expect(message).toContain('set REDIS_URL to a server this process can reach');
  });
});
