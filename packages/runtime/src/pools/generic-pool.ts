// pools.generic(): process-wide generic-pool pools, by name, for anything that is not Postgres or
// Redis. This file is the entry and its options; the pool is a GenericAdapter (generic-adapter.ts).
import type { Factory, Pool } from 'generic-pool';
import { ConfigError } from '../errors.ts';
import { displayOf, fingerprintOf } from './config-fingerprint.ts';
import { GenericAdapter, type ResolvedGenericOptions } from './generic-adapter.ts';
import { poolName } from './pool-arguments.ts';
import {
  count,
  defaultPoolOptions,
  durationMs,
  flag,
  resolvePoolOptions,
  type PoolOptions,
} from './pool-options.ts';
import { existingPool, poolFor } from './registry.ts';

/**
 * Options of a generic pool: thaw's, plus the generic-pool options thaw sets defaults for.
 *
 * @example
 * ```ts
 * await pools.generic('search', factory, { max: 4, acquireTimeoutMs: 1_000 });
 * ```
 */
export interface GenericPoolOptions extends PoolOptions {
  /** Resources at most. @default 10 */
  readonly max?: number;
  /** Resources kept when idle; created once the pool starts (by its check, or the warm-up after ready). @default 0 */
  readonly min?: number;
  /** How long a borrow waits for a resource before it fails (ms). @default 5000 */
  readonly acquireTimeoutMs?: number;
  /** Borrows allowed to wait at once; more fail at once. @default 100 */
  readonly maxWaiting?: number;
  /** Run the factory's `validate` before lending a resource (when it has one). @default true */
  readonly testOnBorrow?: boolean;
  /** An idle resource above `min` is destroyed after this long (ms). @default 30000 */
  readonly idleTimeoutMs?: number;
  /** After a failed `create`, the next waits 50 ms, doubling, at most this long (ms). @default 1000 */
  readonly createRetryDelayMaxMs?: number;
}

/**
 * The defaults of {@link GenericPoolOptions}.
 *
 * @example
 * ```ts
 * defaultGenericPoolOptions.acquireTimeoutMs; // 5000
 * ```
 */
export const defaultGenericPoolOptions = {
  ...defaultPoolOptions,
  max: 10,
  min: 0,
  acquireTimeoutMs: 5_000,
  maxWaiting: 100,
  testOnBorrow: true,
  idleTimeoutMs: 30_000,
  createRetryDelayMaxMs: 1_000,
} as const satisfies Required<GenericPoolOptions>;

/**
 * The process-wide generic-pool pool of that name, for anything that is not Postgres or Redis
 * (an HTTP agent, a gRPC channel, an SDK client), created on first call (loading `generic-pool`
 * then) and resolved once one resource could be created and borrowed (see `check`). A factory
 * that keeps failing is retried with backoff, never in a tight loop, and every borrow settles
 * within `acquireTimeoutMs` with an error naming the pool and the factory's last error.
 *
 * @example
 * ```ts
 * const sftp = await pools.generic('sftp', {
 *   create: () => connectSftp(process.env.SFTP_URL),
 *   destroy: (connection) => connection.end(),
 * });
 * const result = await sftp.use((connection) => connection.list('/inbox'));
 * ```
 */
export function genericPool<T>(
  name: string,
  factory?: Factory<T>,
  given: GenericPoolOptions = {},
): Promise<Pool<T>> {
  try {
    const validName = poolName('pools.generic()', name);
    const call = `pools.generic("${validName}")`;
    if (factory === undefined) return existingPool<Pool<T>>('generic', validName).get();
    if (
      typeof factory !== 'object' ||
      typeof factory.create !== 'function' ||
      typeof factory.destroy !== 'function'
    ) {
      throw new ConfigError(
        `${call} factory`,
        factory,
        'an object with create() and destroy(resource) functions',
      );
    }
    const { logger: _logger, ...compared } = given;
    const config = { factory, options: compared };
    return poolFor<Pool<T>>(
      {
        kind: 'generic',
        name: validName,
        fingerprint: fingerprintOf(config),
        shown: () => displayOf(config),
      },
      () => {
        const options = resolveGenericOptions(given, call);
        return { call, options, open: () => GenericAdapter.open(validName, factory, options) };
      },
    ).get();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function resolveGenericOptions(given: GenericPoolOptions, call: string): ResolvedGenericOptions {
  const d = defaultGenericPoolOptions;
  const max = count(`${call} max`, given.max ?? d.max, 1);
  return {
    ...resolvePoolOptions(given, call),
    max,
    min: count(`${call} min`, given.min ?? d.min, 0, max),
    acquireTimeoutMs: durationMs(`${call} acquireTimeoutMs`, given.acquireTimeoutMs ?? d.acquireTimeoutMs),
    maxWaiting: count(`${call} maxWaiting`, given.maxWaiting ?? d.maxWaiting, 0, 1_000_000),
    testOnBorrow: flag(`${call} testOnBorrow`, given.testOnBorrow ?? d.testOnBorrow),
    idleTimeoutMs: durationMs(`${call} idleTimeoutMs`, given.idleTimeoutMs ?? d.idleTimeoutMs),
    createRetryDelayMaxMs: durationMs(
      `${call} createRetryDelayMaxMs`,
      given.createRetryDelayMaxMs ?? d.createRetryDelayMaxMs,
    ),
  };
}
