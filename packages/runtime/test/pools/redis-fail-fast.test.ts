import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainPools, pools, PoolUnavailableError } from '../../src/pools/index.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import { type PrivateServer } from '../support/private-server.ts';
import { eventually } from '../support/server-counts.ts';

describe('pools.redis while Redis is down', () => {
  let server: PrivateServer;
  const logger = { warn: () => undefined };

  beforeAll(async () => {
    server = await startPrivateRedis();
  });

  afterAll(async () => {
    await drainPools();
    await server.close();
  });

  it('fails queued commands after maxRetriesPerRequest reconnections and refuses more than maxOfflineCommands at once', async () => {
    const client = await pools.redis('fail-fast', {
      host: '127.0.0.1',
      port: server.port,
      maxOfflineCommands: 5,
      logger,
    });
    await client.set('k', 'v');
    await server.stop();
    // The client notices the closed socket on its own schedule; commands sent before that are
    // in flight, not queued (see redis-connection-killed.test.ts).
    expect(await eventually(() => client.status !== 'ready')).toBe(true);

    const started = Date.now();
    const outcomes = await Promise.all(
      Array.from({ length: 8 }, (_, index) =>
        client.get(`k${index}`).then(
          () => 'ok',
          (error: unknown) => error,
        ),
      ),
    );
    const elapsed = Date.now() - started;
    // 5 queued commands wait for one reconnection attempt (50 ms backoff + a refused connect); 3 fail at once.
    expect(elapsed).toBeLessThan(3_000);
    const refused = outcomes.filter((outcome) => outcome instanceof PoolUnavailableError);
    const gaveUp = outcomes.filter(
      (outcome) => outcome instanceof Error && !(outcome instanceof PoolUnavailableError),
    );
    expect(refused).toHaveLength(3);
    expect((refused[0] as Error).message).toContain(
      'is disconnected and already holds 5 queued commands (maxOfflineCommands)',
    );
    expect(gaveUp).toHaveLength(5);
    expect((gaveUp[0] as Error).name).toBe('MaxRetriesPerRequestError');

    await server.start();
    // The client reconnects by itself (backoff capped at retryDelayMaxMs).
    let value: string | null | undefined;
    for (let attempt = 0; attempt < 40 && value === undefined; attempt += 1) {
      value = await client.get('missing-key').catch(() => undefined);
      if (value === undefined) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(value).toBeNull();
  });
});
