import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools, PoolUnavailableError } from '../../src/pools/index.ts';
import { redisTarget } from '../support/redis-target.ts';
import { eventually, redisConnections, redisKill } from '../support/server-counts.ts';

describe('pools.redis when its connection is killed (CLIENT KILL)', () => {
  const logs: string[] = [];
  const logger = { warn: (message: string) => logs.push(message) };

  afterEach(async () => {
    await drainPools();
  });

  it('fails the command in flight at once with a clear error instead of resending it, and serves the next one', async () => {
    const name = 'thaw-killed-redis';
    const client = await pools.redis('killed-redis', {
      ...redisTarget(services.redisUrl),
      connectionName: name,
      commandTimeout: 30_000,
      logger,
    });
    const started = Date.now();
    const blocked = client
      .blpop(`thaw-test-never-pushed-${process.pid}`, 20)
      .catch((caught: unknown) => caught);
    expect(await eventually(async () => (await redisKill(services.redisUrl, name)) === 1)).toBe(true);
    const error = await blocked;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(PoolUnavailableError);
    expect((error as Error).message).toContain(
      'Pool "killed-redis" (redis) lost its connection while this command was in flight. It may or may not have run on the server',
    );
    expect(await client.ping()).toBe('PONG');
    expect(await redisConnections(services.redisUrl, name)).toBe(1);
  });

  it('reconnects by itself after an idle connection is killed, without an unhandled error', async () => {
    const name = 'thaw-killed-idle-redis';
    const client = await pools.redis('killed-idle-redis', {
      ...redisTarget(services.redisUrl),
      connectionName: name,
      logger,
    });
    expect(await redisKill(services.redisUrl, name)).toBe(1);
    expect(await eventually(() => client.status !== 'ready')).toBe(true);
    expect(await client.ping()).toBe('PONG');
    expect(await eventually(async () => (await redisConnections(services.redisUrl, name)) === 1)).toBe(true);
  });
});
