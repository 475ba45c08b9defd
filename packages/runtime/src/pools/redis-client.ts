// pools.redis(): the process-wide ioredis clients (standalone or cluster), by name. This file is
// the entry; the options are in redis-options.ts, the clients are RedisStandaloneAdapter and
// RedisClusterAdapter.
import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { ConfigError } from '../errors.ts';
import { displayOf, fingerprintOf } from './config-fingerprint.ts';
import { EarlySocket } from './early-socket.ts';
import { redisTarget } from './early-targets.ts';
import { loadPeer, member } from './load-peer.ts';
import { nameAndConfig } from './pool-arguments.ts';
import type { PoolAdapter } from './pool-adapter.ts';
import { withoutKeys, type PoolOptions } from './pool-options.ts';
import { RedisClusterAdapter } from './redis-cluster-adapter.ts';
import {
  redisThawKeys,
  resolveRedisOptions,
  type RedisClientOptions,
  type ResolvedRedisOptions,
} from './redis-options.ts';
import { RedisStandaloneAdapter } from './redis-standalone-adapter.ts';
import { existingPool, poolFor } from './registry.ts';

/**
 * A `redis://` URL, or ioredis' `RedisOptions` with thaw's {@link RedisClientOptions}.
 *
 * @example
 * ```ts
 * const config: RedisClientConfig = { host: 'cache.internal', port: 6379, keyPrefix: 'orders:' };
 * ```
 */
export type RedisClientConfig =
  string | (Omit<RedisOptions, keyof RedisClientOptions | 'lazyConnect'> & RedisClientOptions);

/**
 * A Redis Cluster: its seed `nodes` and ioredis' `ClusterOptions`, with thaw's options.
 *
 * @example
 * ```ts
 * const config: RedisClusterConfig = { nodes: [{ host: 'redis-0.redis', port: 6379 }] };
 * ```
 */
export type RedisClusterConfig = Omit<ClusterOptions, 'lazyConnect'> &
  PoolOptions & {
    readonly nodes: readonly ClusterNode[];
    readonly retryDelayMaxMs?: number;
  };

/**
 * The process-wide ioredis client of that name (one multiplexed connection; a `Cluster` when
 * the config has `nodes`), created on first call (loading `ioredis` then) and resolved once
 * `PING` has answered (see `check`). While Redis is down, commands fail fast instead of piling
 * up: at most `maxOfflineCommands` wait, each for at most `maxRetriesPerRequest` reconnections.
 *
 * @example
 * ```ts
 * init('cache', () => pools.redis('cache', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), { when: 'background' });
 * const cache = await pools.redis('cache');
 * await cache.set('greeting', 'hello');
 * ```
 */
export function redisClient(config: RedisClusterConfig): Promise<Cluster>;
export function redisClient(name: string, config: RedisClusterConfig): Promise<Cluster>;
export function redisClient(config: RedisClientConfig): Promise<Redis>;
export function redisClient(name: string, config?: RedisClientConfig): Promise<Redis>;
export function redisClient(
  first: RedisClientConfig | RedisClusterConfig,
  second?: RedisClientConfig | RedisClusterConfig,
): Promise<Redis | Cluster> {
  try {
    const { name, config: raw } = nameAndConfig('pools.redis()', 'redis', first, second);
    const config = raw as RedisClientConfig | RedisClusterConfig | undefined;
    const call = `pools.redis("${name}")`;
    if (config === undefined) return existingPool<Redis | Cluster>('redis', name).get();
    const value: unknown = config;
    if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) {
      throw new ConfigError(`${call} config`, config, 'a redis:// URL or an ioredis options object');
    }
    const given: Record<string, unknown> & RedisClientOptions =
      typeof config === 'string' ? { url: config } : (config as Record<string, unknown> & RedisClientOptions);
    const { logger: _logger, ...compared } = given;
    return poolFor<Redis | Cluster>(
      { kind: 'redis', name, fingerprint: fingerprintOf(compared), shown: () => displayOf(compared) },
      () => build(name, call, config, given),
    ).get();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function build(
  name: string,
  call: string,
  config: RedisClientConfig | RedisClusterConfig,
  given: Record<string, unknown> & RedisClientOptions,
): { call: string; options: ResolvedRedisOptions; open: () => Promise<PoolAdapter<Redis | Cluster>> } {
  const options = resolveRedisOptions(given, call);
  const clientOptions = withoutKeys(given, [...redisThawKeys, 'url']);
  const nodes = (given as { nodes?: unknown }).nodes;
  if (nodes !== undefined && (!Array.isArray(nodes) || nodes.length === 0)) {
    throw new ConfigError(`${call} nodes`, nodes, 'a non-empty array of cluster seed nodes');
  }
  const url = typeof config === 'string' ? config : undefined;
  return {
    call,
    options,
    open: async (): Promise<PoolAdapter<Redis | Cluster>> => {
      const target =
        options.earlyConnect && nodes === undefined ? redisTarget(url, clientOptions) : undefined;
      const early = target === undefined ? undefined : EarlySocket.open(target, options.connectTimeout);
      try {
        return await openAdapter(name, url, nodes, clientOptions, options, early);
      } catch (error) {
        early?.dispose();
        throw error;
      }
    },
  };
}

async function openAdapter(
  name: string,
  url: string | undefined,
  nodes: unknown,
  clientOptions: Record<string, unknown>,
  options: ResolvedRedisOptions,
  early: EarlySocket | undefined,
): Promise<PoolAdapter<Redis | Cluster>> {
  const ioredis = await loadPeer('ioredis', 'pools.redis()');
  if (nodes !== undefined) {
    const ClusterClass = member(ioredis, 'Cluster') as typeof Cluster | undefined;
    if (ClusterClass === undefined) throw new Error('The installed "ioredis" package has no Cluster export.');
    return new RedisClusterAdapter(name, ClusterClass, nodes as ClusterNode[], clientOptions, options);
  }
  const RedisClass = member(ioredis, 'Redis') as typeof Redis | undefined;
  if (RedisClass === undefined) throw new Error('The installed "ioredis" package has no Redis export.');
  return new RedisStandaloneAdapter(name, RedisClass, url, clientOptions, options, early);
}
