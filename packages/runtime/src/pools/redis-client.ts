import type { Cluster, ClusterNode, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { ConfigError } from '../errors.ts';
import { displayOf, fingerprintOf } from './config-fingerprint.ts';
import { loadPeer, member } from './load-peer.ts';
import { type PoolAdapter } from './managed-pool.ts';
import { nameAndConfig } from './pool-arguments.ts';
import {
  count,
  defaultPoolOptions,
  durationMs,
  poolOptionKeys,
  resolvePoolOptions,
  withoutKeys,
  type PoolOptions,
} from './pool-options.ts';
import { existingPool, poolFor } from './registry.ts';
import { openCluster, openStandalone, type ResolvedRedisOptions } from './redis-connection.ts';

/**
 * thaw's options for an ioredis client, beside ioredis' own `RedisOptions`. The ioredis options
 * listed here get thaw's defaults (fail fast, recover quickly) instead of ioredis' own.
 *
 * @example
 * ```ts
 * await pools.redis('cache', { host: '127.0.0.1', commandTimeout: 2_000, maxOfflineCommands: 20 });
 * ```
 */
export interface RedisClientOptions extends PoolOptions {
  /** ioredis: how long connecting may take before the attempt is abandoned (ms). @default 3000 */
  readonly connectTimeout?: number;
  /** ioredis: how long a command may wait for its reply (ms). Raise it for long blocking commands. @default 5000 */
  readonly commandTimeout?: number;
  /**
   * ioredis: reconnection attempts a queued command survives before it fails. `null` waits for ever.
   * @default 1
   */
  readonly maxRetriesPerRequest?: number | null;
  /**
   * ioredis: resend commands that were in flight when the connection dropped. Off, because they
   * may already have run (an `INCR` would count twice): they fail at once with a clear error.
   * @default false
   */
  readonly autoResendUnfulfilledCommands?: boolean;
  /** Commands queued while disconnected, at most; more fail at once. @default 100 */
  readonly maxOfflineCommands?: number;
  /** Reconnection backoff (50 ms doubling) never waits longer than this (ms). @default 1000 */
  readonly retryDelayMaxMs?: number;
}

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
 * The defaults of {@link RedisClientOptions}.
 *
 * @example
 * ```ts
 * defaultRedisClientOptions.maxRetriesPerRequest; // 1
 * ```
 */
export const defaultRedisClientOptions = {
  ...defaultPoolOptions,
  connectTimeout: 3_000,
  commandTimeout: 5_000,
  maxRetriesPerRequest: 1,
  autoResendUnfulfilledCommands: false,
  maxOfflineCommands: 100,
  retryDelayMaxMs: 1_000,
} as const satisfies Required<RedisClientOptions>;

const thawKeys: readonly string[] = [...poolOptionKeys, 'maxOfflineCommands', 'retryDelayMaxMs', 'nodes'];

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
  const clientOptions = withoutKeys(given, [...thawKeys, 'url']);
  const nodes = (given as { nodes?: unknown }).nodes;
  if (nodes !== undefined && (!Array.isArray(nodes) || nodes.length === 0)) {
    throw new ConfigError(`${call} nodes`, nodes, 'a non-empty array of cluster seed nodes');
  }
  const url = typeof config === 'string' ? config : undefined;
  return {
    call,
    options,
    open: async (): Promise<PoolAdapter<Redis | Cluster>> => {
      const ioredis = await loadPeer('ioredis', 'pools.redis()');
      if (nodes !== undefined) {
        const ClusterClass = member(ioredis, 'Cluster') as typeof Cluster | undefined;
        if (ClusterClass === undefined)
          throw new Error('The installed "ioredis" package has no Cluster export.');
        return openCluster(name, ClusterClass, nodes as ClusterNode[], clientOptions, options);
      }
      const RedisClass = member(ioredis, 'Redis') as typeof Redis | undefined;
      if (RedisClass === undefined) throw new Error('The installed "ioredis" package has no Redis export.');
      return openStandalone(name, RedisClass, url, clientOptions, options);
    },
  };
}

function resolveRedisOptions(given: RedisClientOptions, call: string): ResolvedRedisOptions {
  const retries =
    given.maxRetriesPerRequest === null
      ? null
      : (given.maxRetriesPerRequest ?? defaultRedisClientOptions.maxRetriesPerRequest);
  const resend =
    given.autoResendUnfulfilledCommands ?? defaultRedisClientOptions.autoResendUnfulfilledCommands;
  if (typeof resend !== 'boolean')
    throw new ConfigError(`${call} autoResendUnfulfilledCommands`, resend, 'true or false');
  return {
    ...resolvePoolOptions(given, call),
    connectTimeout: durationMs(
      `${call} connectTimeout`,
      given.connectTimeout ?? defaultRedisClientOptions.connectTimeout,
    ),
    commandTimeout: durationMs(
      `${call} commandTimeout`,
      given.commandTimeout ?? defaultRedisClientOptions.commandTimeout,
    ),
    maxRetriesPerRequest: retries === null ? null : count(`${call} maxRetriesPerRequest`, retries, 0, 1_000),
    autoResendUnfulfilledCommands: resend,
    maxOfflineCommands: count(
      `${call} maxOfflineCommands`,
      given.maxOfflineCommands ?? defaultRedisClientOptions.maxOfflineCommands,
      0,
      1_000_000,
    ),
    retryDelayMaxMs: durationMs(
      `${call} retryDelayMaxMs`,
      given.retryDelayMaxMs ?? defaultRedisClientOptions.retryDelayMaxMs,
    ),
  };
}
