// thaw's options of a Redis client: declared, defaulted and resolved here, read by the client
// entry (redis-client.ts) and both adapters.
import { ConfigError } from '../errors.ts';
import {
  count,
  defaultPoolOptions,
  durationMs,
  flag,
  poolOptionKeys,
  resolvePoolOptions,
  type PoolOptions,
  type ResolvedPoolOptions,
} from './pool-options.ts';

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
  /**
   * Open the TCP connection as soon as the client is asked for, while `ioredis` loads, and hand it
   * to the client. Only for a standalone server on a TCP host and port (not a Unix socket, TLS,
   * sentinels or a cluster).
   * @default true
   */
  readonly earlyConnect?: boolean;
}

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
  earlyConnect: true,
} as const satisfies Required<RedisClientOptions>;

/** Redis options with every default applied. */
export interface ResolvedRedisOptions extends ResolvedPoolOptions {
  readonly connectTimeout: number;
  readonly commandTimeout: number;
  readonly maxRetriesPerRequest: number | null;
  readonly autoResendUnfulfilledCommands: boolean;
  readonly maxOfflineCommands: number;
  readonly retryDelayMaxMs: number;
  readonly earlyConnect: boolean;
}

/** The keys that are thaw's, not ioredis': removed before the rest goes to ioredis. */
export const redisThawKeys: readonly string[] = [
  ...poolOptionKeys,
  'maxOfflineCommands',
  'retryDelayMaxMs',
  'earlyConnect',
  'nodes',
];

/** Applies the defaults to `given` and validates each value. */
export function resolveRedisOptions(given: RedisClientOptions, call: string): ResolvedRedisOptions {
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
    earlyConnect: flag(`${call} earlyConnect`, given.earlyConnect ?? defaultRedisClientOptions.earlyConnect),
  };
}
