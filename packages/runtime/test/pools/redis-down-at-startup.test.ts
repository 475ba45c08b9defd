import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainPools, pools, PoolUnavailableError } from '../../src/pools/index.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import { type PrivateServer } from '../support/private-server.ts';

describe('pools.redis when Redis is down at startup', () => {
  let server: PrivateServer;
  const logs: string[] = [];
  const logger = { warn: (message: string) => logs.push(message) };

  beforeAll(async () => {
    server = await startPrivateRedis();
    await server.stop();
  });

  afterAll(async () => {
    await drainPools();
    await server.close();
  });

  it('rejects its PING check clearly, keeps the client, and resolves once Redis is back', async () => {
    const config = { host: '127.0.0.1', port: server.port, checkTimeoutMs: 3_000, logger };
    const started = Date.now();
    const error = await pools.redis('redis-down', config).catch((caught: unknown) => caught);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(PoolUnavailableError);
    expect((error as Error).message).toContain(
      'Pool "redis-down" (redis) could not complete its check (PING)',
    );
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(logs.filter((line) => line.includes('lost its connection'))).toHaveLength(1);
    // Still down: the next check fails too, as fast.
    await expect(pools.redis('redis-down', config)).rejects.toBeInstanceOf(PoolUnavailableError);

    await server.start();
    let client: Awaited<ReturnType<typeof pools.redis>> | undefined;
    for (let attempt = 0; attempt < 20 && client === undefined; attempt += 1) {
      client = await pools.redis('redis-down', config).catch(() => undefined);
    }
    expect(client).toBeDefined();
    expect(await client!.ping()).toBe('PONG');
    expect(await pools.redis('redis-down')).toBe(client);
  });
});
