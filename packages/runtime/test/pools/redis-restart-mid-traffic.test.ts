import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainPools, pools } from '../../src/pools/index.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import { type PrivateServer } from '../support/private-server.ts';
import { eventually, redisConnections } from '../support/server-counts.ts';

describe('pools.redis when Redis restarts mid-traffic', () => {
  let server: PrivateServer;

  beforeAll(async () => {
    server = await startPrivateRedis();
  });

  afterAll(async () => {
    await drainPools();
    await server.close();
  });

  it('fails a bounded number of commands during the outage, recovers fully and leaks no connection', async () => {
    const name = 'thaw-redis-restart';
    const client = await pools.redis('redis-restart', {
      host: '127.0.0.1',
      port: server.port,
      connectionName: name,
      logger: { warn: () => undefined },
    });
    let ok = 0;
    let failed = 0;
    let running = true;
    const worker = async (id: number): Promise<void> => {
      for (let i = 0; running && i < 100_000; i += 1) {
        try {
          await client.incr(`counter-${id}`);
          ok += 1;
        } catch {
          failed += 1;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    };
    const workers = Array.from({ length: 4 }, (_, id) => worker(id));
    await eventually(() => ok >= 100);
    await server.stopAndStart(300);
    const okBeforeRecovery = ok;
    expect(await eventually(() => ok >= okBeforeRecovery + 100)).toBe(true);
    const failedAtRecovery = failed;
    const okAtRecovery = ok;
    await eventually(() => ok >= okAtRecovery + 100);
    running = false;
    await Promise.all(workers);

    expect(failedAtRecovery).toBeGreaterThan(0);
    expect(failed).toBeLessThan(2_000);
    expect(failed).toBe(failedAtRecovery);
    expect(await redisConnections(server.url, name)).toBe(1);
    await drainPools();
    expect(await eventually(async () => (await redisConnections(server.url, name)) === 0)).toBe(true);
  });
});
