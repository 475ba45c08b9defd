// The ioredis cluster adapter: thaw's connection defaults on every node connection, capped
// reconnection backoff, one log line per outage, gauges summed over the nodes, and a close that
// waits for every node connection to end.
import type { Cluster, ClusterNode } from 'ioredis';
import { settlesWithin } from '../bounded-wait.ts';
import { quitWithin } from './redis-quit.ts';
import { backoffMs, closeOutcome, reason } from './pool-adapter.ts';
import type { AdapterCloseOutcome, PoolAdapter, PoolGauges } from './pool-adapter.ts';
import type { ResolvedRedisOptions } from './redis-options.ts';

/**
 * An ioredis `Cluster` behind the {@link PoolAdapter} shape.
 *
 * @example
 * ```ts
 * const adapter = new RedisClusterAdapter('cache', Cluster, [{ host: '127.0.0.1', port: 7000 }], {}, options);
 * await adapter.verify();
 * ```
 */
export class RedisClusterAdapter implements PoolAdapter<Cluster> {
  readonly resource: Cluster;
  readonly checkName = 'PING';
  readonly #name: string;
  readonly #options: ResolvedRedisOptions;
  #closing = false;
  #outage = false;

  constructor(
    name: string,
    ClusterClass: typeof Cluster,
    nodes: ClusterNode[],
    clusterOptions: Record<string, unknown>,
    options: ResolvedRedisOptions,
  ) {
    this.#name = name;
    this.#options = options;
    this.resource = new ClusterClass(nodes, clusterSettings(clusterOptions, options));
    this.#followConnection();
  }

  async verify(): Promise<void> {
    const cluster = this.resource;
    if (cluster.status === 'wait' || cluster.status === 'end') await cluster.connect();
    await cluster.ping();
  }

  async warm(): Promise<void> {
    if (this.resource.status === 'wait') await this.resource.connect();
  }

  gauges(): PoolGauges {
    const all = this.resource.nodes('all');
    const connected = all.filter((node) => node.status === 'ready');
    const offlineQueue = (this.resource as unknown as { readonly offlineQueue: { readonly length: number } })
      .offlineQueue;
    return {
      size: connected.length,
      idle: connected.filter((node) => node.commandQueue.length === 0).length,
      borrowed: connected.reduce((sum, node) => sum + node.commandQueue.length, 0),
      waiting: offlineQueue.length,
      max: all.length,
      min: all.length,
    };
  }

  async close(drainTimeoutMs: number): Promise<AdapterCloseOutcome> {
    const cluster = this.resource;
    this.#closing = true;
    const quit = await quitWithin(cluster, drainTimeoutMs);
    if (quit === 'idle') return closeOutcome(0, 'command', 'still waiting for a reply');
    const drained = quit === 'drained';
    const leaked = drained
      ? 0
      : cluster.nodes('all').reduce((sum, node) => sum + node.commandQueue.length, 0);
    await this.#waitForEnd(drained);
    return closeOutcome(leaked, 'command', 'still waiting for a reply');
  }

  // QUIT resolves while the node connections are still closing; the pool is closed once they are.
  async #waitForEnd(drained: boolean): Promise<void> {
    const cluster = this.resource;
    const ended = new Promise((resolve) => cluster.once('end', resolve));
    if (drained && (cluster.status as string) === 'end') return;
    if (!(await settlesWithin(ended, drained ? 1_000 : 0))) cluster.disconnect();
    await settlesWithin(ended, 1_000);
  }

  #followConnection(): void {
    this.resource.on('error', (error: unknown) => {
      if (this.#closing || this.#outage) return;
      this.#outage = true;
      this.#options.logger.warn(
        `Pool "${this.#name}" (redis cluster) lost a connection and keeps reconnecting: ${reason(error)}`,
      );
    });
    this.resource.on('ready', () => {
      this.#outage = false;
    });
  }
}

function clusterSettings(
  clusterOptions: Record<string, unknown>,
  options: ResolvedRedisOptions,
): NonNullable<ConstructorParameters<typeof Cluster>[1]> {
  const redisOptions = (clusterOptions['redisOptions'] ?? {}) as Record<string, unknown>;
  const retryDelayMaxMs = options.retryDelayMaxMs;
  return {
    ...clusterOptions,
    lazyConnect: true,
    clusterRetryStrategy:
      clusterOptions['clusterRetryStrategy'] !== undefined
        ? (clusterOptions['clusterRetryStrategy'] as (times: number) => number)
        : (times: number) => backoffMs(times, retryDelayMaxMs),
    redisOptions: {
      connectTimeout: options.connectTimeout,
      commandTimeout: options.commandTimeout,
      maxRetriesPerRequest: options.maxRetriesPerRequest,
      autoResendUnfulfilledCommands: options.autoResendUnfulfilledCommands,
      ...redisOptions,
    },
  };
}
