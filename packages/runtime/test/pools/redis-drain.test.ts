import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools } from '../../src/pools/index.ts';
import { redisTarget } from '../support/redis-target.ts';

describe('draining a Redis client', () => {
  afterEach(async () => {
    await drainPools();
  });

  it('waits at most drainTimeoutMs for pending replies, then disconnects and reports them by pool name', async () => {
    const logs: string[] = [];
    const client = await pools.redis('redis-drain', {
      ...redisTarget(services.redisUrl),
      commandTimeout: 30_000,
      drainTimeoutMs: 300,
      logger: { warn: (message) => logs.push(message) },
    });
    const pending = client.blpop(`thaw-test-drain-${process.pid}`, 20).catch((caught: unknown) => caught);
    const started = Date.now();
    const [report] = await drainPools();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report).toMatchObject({ poolName: 'redis-drain', kind: 'redis', leaked: 1 });
    expect(logs.join('\n')).toContain(
      'Pool "redis-drain" (redis) had 1 command still waiting for a reply 300 ms after draining began',
    );
    expect(await pending).toBeInstanceOf(Error);
    expect(client.status).toBe('end');
  });
});
