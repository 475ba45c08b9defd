import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainPools, pools } from '../../src/pools/index.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import { type PrivateServer } from '../support/private-server.ts';

describe('pools.redis when the server hangs', () => {
  let server: PrivateServer;

  beforeAll(async () => {
    server = await startPrivateRedis();
  });

  afterAll(async () => {
    server.freeze(false);
    await drainPools();
    await server.close();
  });

  it('fails a command after commandTimeout instead of hanging, and serves the next one once the server answers', async () => {
    const client = await pools.redis('frozen-redis', {
      host: '127.0.0.1',
      port: server.port,
      commandTimeout: 500,
      logger: { warn: () => undefined },
    });
    server.freeze(true);
    try {
      const started = Date.now();
      const error = await client.get('anything').catch((caught: unknown) => caught);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect((error as Error).message).toBe('Command timed out');
    } finally {
      server.freeze(false);
    }
    expect(await client.ping()).toBe('PONG');
  });
});
