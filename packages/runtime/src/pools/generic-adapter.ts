// The generic-pool adapter: a generic-pool Pool whose factory is retried with capped backoff
// (never the library's tight loop), whose borrows fail with errors naming the pool and the
// factory's last error, and whose close destroys what is still borrowed once the drain runs out.
import type { Factory, Pool } from 'generic-pool';
import { delay, settlesWithin } from '../bounded-wait.ts';
import { loadPeer, member } from './load-peer.ts';
import { backoffMs, closeOutcome, reason } from './pool-adapter.ts';
import type { AdapterCloseOutcome, PoolAdapter, PoolGauges } from './pool-adapter.ts';
import { PoolClosedError, PoolExhaustedError, PoolUnavailableError } from './pool-errors.ts';
import type { ResolvedPoolOptions } from './pool-options.ts';

/** Generic pool options with every default applied. */
export interface ResolvedGenericOptions extends ResolvedPoolOptions {
  readonly max: number;
  readonly min: number;
  readonly acquireTimeoutMs: number;
  readonly maxWaiting: number;
  readonly testOnBorrow: boolean;
  readonly idleTimeoutMs: number;
  readonly createRetryDelayMaxMs: number;
}

type CreatePool<T> = (factory: Factory<T>, options: object) => Pool<T>;

/**
 * A generic-pool `Pool` behind the {@link PoolAdapter} shape.
 *
 * @example
 * ```ts
 * const adapter = await GenericAdapter.open('sftp', { create, destroy }, options);
 * await adapter.verify();
 * ```
 */
export class GenericAdapter<T> implements PoolAdapter<Pool<T>> {
  readonly resource: Pool<T>;
  readonly checkName = 'one borrow';
  readonly #name: string;
  readonly #options: ResolvedGenericOptions;
  readonly #borrowed = new Set<T>();
  #failures = 0;
  #lastError: unknown;

  /** Loads `generic-pool` and creates the pool (not started: its check or warm-up starts it). */
  static async open<T>(
    name: string,
    factory: Factory<T>,
    options: ResolvedGenericOptions,
  ): Promise<GenericAdapter<T>> {
    const genericPoolModule = await loadPeer('generic-pool', 'pools.generic()');
    const createPool = member(genericPoolModule, 'createPool') as CreatePool<T> | undefined;
    if (createPool === undefined)
      throw new Error('The installed "generic-pool" package has no createPool export.');
    return new GenericAdapter(name, createPool, factory, options);
  }

  constructor(name: string, createPool: CreatePool<T>, factory: Factory<T>, options: ResolvedGenericOptions) {
    this.#name = name;
    this.#options = options;
    this.resource = createPool(this.#guarded(factory), {
      max: options.max,
      min: options.min,
      acquireTimeoutMillis: options.acquireTimeoutMs,
      maxWaitingClients: options.maxWaiting,
      testOnBorrow: options.testOnBorrow && factory.validate !== undefined,
      idleTimeoutMillis: options.idleTimeoutMs,
      evictionRunIntervalMillis: Math.min(options.idleTimeoutMs, 10_000),
      autostart: false,
    });
    // generic-pool reports create/destroy failures as events; they are counted, not fatal.
    this.resource.on('factoryCreateError', () => undefined);
    this.resource.on('factoryDestroyError', (error: unknown) => {
      options.logger.warn(`Pool "${name}" (generic) failed to destroy a resource: ${reason(error)}`);
    });
    this.#trackBorrows();
  }

  async verify(): Promise<void> {
    const resource = await this.resource.acquire();
    await this.resource.release(resource);
  }

  async warm(): Promise<void> {
    const pool = this.resource;
    const { min, acquireTimeoutMs } = this.#options;
    pool.start();
    // generic-pool's own ready() polls for ever with a timer that holds the process open.
    const deadline = Date.now() + acquireTimeoutMs;
    while (pool.available + pool.borrowed < min) {
      if (Date.now() >= deadline) {
        throw new Error(
          `only ${pool.available + pool.borrowed} of min ${min} resources exist after ${acquireTimeoutMs} ms`,
        );
      }
      await delay(20);
    }
  }

  gauges(): PoolGauges {
    const pool = this.resource;
    return {
      size: pool.size,
      idle: pool.available,
      borrowed: pool.borrowed,
      waiting: pool.pending,
      max: this.#options.max,
      min: this.#options.min,
    };
  }

  async close(drainTimeoutMs: number): Promise<AdapterCloseOutcome> {
    const pool = this.resource;
    const drained = pool.drain();
    let leaked = 0;
    if (!(await settlesWithin(drained, drainTimeoutMs))) {
      leaked = this.#borrowed.size;
      await Promise.allSettled([...this.#borrowed].map((resource) => pool.destroy(resource)));
      await settlesWithin(drained, 1_000);
    }
    await settlesWithin(pool.clear(), 1_000);
    return closeOutcome(leaked, 'resource', 'still borrowed');
  }

  // generic-pool retries a failed create at once, for ever; the backoff keeps a dead backend
  // from turning into a busy loop.
  #guarded(factory: Factory<T>): Factory<T> {
    const create = async (): Promise<T> => {
      if (this.#failures > 0) await delay(backoffMs(this.#failures, this.#options.createRetryDelayMaxMs));
      try {
        const resource = await factory.create();
        this.#failures = 0;
        return resource;
      } catch (error) {
        this.#createFailed(error);
        throw error;
      }
    };
    return {
      create,
      destroy: (resource) => factory.destroy(resource),
      ...(factory.validate === undefined
        ? {}
        : { validate: (resource: T) => (factory.validate as (r: T) => Promise<boolean>)(resource) }),
    };
  }

  #createFailed(error: unknown): void {
    if (this.#failures === 0) {
      this.#options.logger.warn(
        `Pool "${this.#name}" (generic) could not create a resource; retrying with backoff: ${reason(error)}`,
      );
    }
    this.#failures += 1;
    this.#lastError = error;
  }

  // The borrowed set is what a timed-out drain destroys; acquire failures get thaw's errors.
  #trackBorrows(): void {
    const pool = this.resource;
    const borrowed = this.#borrowed;
    const acquire = pool.acquire.bind(pool);
    const release = pool.release.bind(pool);
    const destroy = pool.destroy.bind(pool);
    Object.assign(pool, {
      acquire: (priority?: number) =>
        acquire(priority).then(
          (resource) => {
            borrowed.add(resource);
            return resource;
          },
          (error: unknown) => {
            throw this.#explain(error);
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
  }

  #explain(error: unknown): Error {
    const name = this.#name;
    const { acquireTimeoutMs, max } = this.#options;
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes('draining')) return new PoolClosedError(name, 'generic', { cause: error });
    if (this.#failures > 0) {
      return new PoolUnavailableError(
        name,
        'generic',
        `could not lend a resource within ${acquireTimeoutMs} ms because its factory keeps failing`,
        'Check what the factory connects to; the pool keeps retrying with backoff.',
        { cause: this.#lastError ?? error },
      );
    }
    if (error instanceof Error && error.name === 'TimeoutError' && this.resource.borrowed < max) {
      return new PoolUnavailableError(
        name,
        'generic',
        `could not lend a resource within ${acquireTimeoutMs} ms: creating one took longer than that`,
        'Check what the factory connects to, or raise acquireTimeoutMs if creating is slow by nature.',
        { cause: error },
      );
    }
    const counts = { size: max, borrowed: this.resource.borrowed, waiting: this.resource.pending + 1 };
    return new PoolExhaustedError(name, 'generic', { ...counts, acquireTimeoutMs }, { cause: error });
  }
}
