import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lifecycle } from '../../src/lifecycle.ts';
import { drainPools, pools, statsKeyOf } from '../../src/pools/index.ts';
import { startPrivateRedis } from '../support/private-redis.ts';
import { type PrivateServer } from '../support/private-server.ts';
import { eventually } from '../support/server-counts.ts';

describe('pools.redis with cluster nodes', () => {
  let server: PrivateServer;

  beforeAll(async () => {
    server = await startPrivateRedis({ cluster: true });
    const admin = new Redis(server.url, { lazyConnect: true });
    await admin.connect();
    try {
      await admin.call('CLUSTER', 'ADDSLOTSRANGE', '0', '16383');
      // The node serves its slots once the cluster state turns ok.
      expect(
        await eventually(async () =>
          ((await admin.call('CLUSTER', 'INFO')) as string).includes('cluster_state:ok'),
        ),
      ).toBe(true);
    } finally {
      admin.disconnect();
    }
  });

  afterAll(async () => {
    await drainPools();
    await server.close();
  });

  it('resolves a checked ioredis Cluster with gauges and drains it', async () => {
    const cluster = await pools.redis('cluster', {
      nodes: [{ host: '127.0.0.1', port: server.port }],
      logger: { warn: () => undefined },
    });
    expect(cluster.isCluster).toBe(true);
    await cluster.set('greeting', 'hello');
    expect(await cluster.get('greeting')).toBe('hello');
    expect(await pools.redis('cluster')).toBe(cluster);
    expect(lifecycle().stats.get(statsKeyOf('cluster'))!()).toMatchObject({ size: 1, verified: 1 });
    const [report] = await drainPools();
    expect(report).toMatchObject({ poolName: 'cluster', leaked: 0 });
    expect(cluster.status).toBe('end');
  });
});
