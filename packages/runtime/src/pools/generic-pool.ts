import type { Factory, Pool } from 'generic-pool';
import { ConfigError } from '../errors.ts';
import { delay, settlesWithin } from './bounded-wait.ts';
import { displayOf, fingerprintOf } from './config-fingerprint.ts';
import { loadPeer, member } from './load-peer.ts';
import { reason, type PoolAdapter } from './managed-pool.ts';
import { poolName } from './pool-arguments.ts';
import { PoolClosedError, PoolExhaustedError, PoolUnavailableError } from './pool-errors.ts';
import {
  count,
  defaultPoolOptions,
  durationMs,
  flag,
  resolvePoolOptions,
  type PoolOptions,
  type ResolvedPoolOptions,
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

interface ResolvedGenericOptions extends ResolvedPoolOptions {
  readonly max: number;
  readonly min: number;
  readonly acquireTimeoutMs: number;
  readonly maxWaiting: number;
  readonly testOnBorrow: boolean;
  readonly idleTimeoutMs: number;
  readonly createRetryDelayMaxMs: number;
}

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
        return { call, options, open: () => openGeneric(validName, factory, options) };
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

async function openGeneric<T>(
  name: string,
  factory: Factory<T>,
  options: ResolvedGenericOptions,
): Promise<PoolAdapter<Pool<T>>> {
  const genericPoolModule = await loadPeer('generic-pool', 'pools.generic()');
  const createPool = member(genericPoolModule, 'createPool') as
    ((factory: Factory<T>, options: object) => Pool<T>) | undefined;
  if (createPool === undefined)
    throw new Error('The installed "generic-pool" package has no createPool export.');
  const { logger } = options;
  let failures = 0;
  let lastError: unknown;
  const guarded: Factory<T> = {
    // generic-pool retries a failed create at once, for ever; the backoff keeps a dead backend
    // from turning into a busy loop.
    create: async () => {
      if (failures > 0)
        await delay(Math.min(50 * 2 ** Math.min(failures - 1, 16), options.createRetryDelayMaxMs));
      try {
        const resource = await factory.create();
        failures = 0;
        return resource;
      } catch (error) {
        if (failures === 0)
          logger.warn(
            `Pool "${name}" (generic) could not create a resource; retrying with backoff: ${reason(error)}`,
          );
        failures += 1;
        lastError = error;
        throw error;
      }
    },
    destroy: (resource) => factory.destroy(resource),
    ...(factory.validate === undefined
      ? {}
      : { validate: (resource: T) => (factory.validate as (r: T) => Promise<boolean>)(resource) }),
  };
  const pool = createPool(guarded, {
    max: options.max,
    min: options.min,
    acquireTimeoutMillis: options.acquireTimeoutMs,
    maxWaitingClients: options.maxWaiting,
    testOnBorrow: options.testOnBorrow && factory.validate !== undefined,
    idleTimeoutMillis: options.idleTimeoutMs,
    evictionRunIntervalMillis: Math.min(options.idleTimeoutMs, 10_000),
    autostart: false,
  });
  // generic-pool reports create/destroy failures as events; they are counted above, not fatal.
  pool.on('factoryCreateError', () => undefined);
  pool.on('factoryDestroyError', (error: unknown) => {
    logger.warn(`Pool "${name}" (generic) failed to destroy a resource: ${reason(error)}`);
  });

  const borrowed = new Set<T>();
  const acquire = pool.acquire.bind(pool);
  const release = pool.release.bind(pool);
  const destroy = pool.destroy.bind(pool);
  const explain = (error: unknown): Error => {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('draining')) return new PoolClosedError(name, 'generic', { cause: error });
    if (failures > 0) {
      return new PoolUnavailableError(
        name,
        'generic',
        `could not lend a resource within ${options.acquireTimeoutMs} ms because its factory keeps failing`,
        'Check what the factory connects to; the pool keeps retrying with backoff.',
        { cause: lastError ?? error },
      );
    }
    if (error instanceof Error && error.name === 'TimeoutError' && pool.borrowed < options.max) {
      return new PoolUnavailableError(
        name,
        'generic',
        `could not lend a resource within ${options.acquireTimeoutMs} ms: creating one took longer than that`,
        'Check what the factory connects to, or raise acquireTimeoutMs if creating is slow by nature.',
        { cause: error },
      );
    }
    return new PoolExhaustedError(
      name,
      'generic',
      {
        size: options.max,
        borrowed: pool.borrowed,
        waiting: pool.pending + 1,
        acquireTimeoutMs: options.acquireTimeoutMs,
      },
      { cause: error },
    );
  };
  Object.assign(pool, {
    acquire: (priority?: number) =>
      acquire(priority).then(
        (resource) => {
          borrowed.add(resource);
          return resource;
        },
        (error: unknown) => {
          throw explain(error);
        },
      ),
    release: (resource: T) => {
      borrowed.delete(resource);
      return release(resource);
    },
    destroy: (resource: T) => {
      borrowed.delete(resource);
      return destroy(resource);
    },
  });

  return {
    resource: pool,
    checkName: 'one borrow',
    verify: async () => {
      const resource = await pool.acquire();
      await pool.release(resource);
    },
    warm: async () => {
      pool.start();
      // generic-pool's own ready() polls for ever with a timer that holds the process open.
      const deadline = Date.now() + options.acquireTimeoutMs;
      while (pool.available + pool.borrowed < options.min) {
        if (Date.now() >= deadline) {
          throw new Error(
            `only ${pool.available + pool.borrowed} of min ${options.min} resources exist after ${options.acquireTimeoutMs} ms`,
          );
        }
        await delay(20);
      }
    },
    gauges: () => ({
      size: pool.size,
      idle: pool.available,
      borrowed: pool.borrowed,
      waiting: pool.pending,
      max: options.max,
      min: options.min,
    }),
    close: async (drainTimeoutMs) => {
      const drained = pool.drain();
      let leaked = 0;
      if (!(await settlesWithin(drained, drainTimeoutMs))) {
        leaked = borrowed.size;
        await Promise.allSettled([...borrowed].map((resource) => pool.destroy(resource)));
        await settlesWithin(drained, 1_000);
      }
      await settlesWithin(pool.clear(), 1_000);
      return { leaked, leakedWhat: leaked === 1 ? 'resource still borrowed' : 'resources still borrowed' };
    },
  };
}
