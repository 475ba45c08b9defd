// One named pool through its life, whatever its client library: created once, checked until a
// round trip succeeds, warmed after ready, closed once. The library's part is a PoolAdapter.
import { performance } from 'node:perf_hooks';
import {
  PoolClosedError,
  PoolHostUnresolvedError,
  PoolUnavailableError,
  type PoolKind,
} from './pool-errors.ts';
import { reason, type PoolAdapter, type PoolGauges } from './pool-adapter.ts';
import { type ResolvedPoolOptions } from './pool-options.ts';

/**
 * What closing one pool found.
 *
 * @example
 * ```ts
 * for (const report of await drainPools()) if (report.leaked > 0) console.warn(report.poolName, report.leakedWhat);
 * ```
 */
export interface PoolCloseReport {
  readonly poolName: string;
  readonly kind: PoolKind;
  /** Resources still borrowed when `drainTimeoutMs` ran out; they were destroyed. */
  readonly leaked: number;
  /** What `leaked` counts, in words ("connections still borrowed"). */
  readonly leakedWhat: string;
  readonly drainTimeoutMs: number;
  readonly durationMs: number;
}

/** How the registry builds a pool. */
export interface ManagedPoolSpec<T> {
  readonly kind: PoolKind;
  readonly name: string;
  readonly fingerprint: string;
  readonly shownConfig: string;
  /** The call users make to get this pool, for error messages (`pools.pg("main")`). */
  readonly call: string;
  readonly options: ResolvedPoolOptions;
  readonly open: () => Promise<PoolAdapter<T>>;
}

type State = 'open' | 'closing' | 'closed';

/**
 * One named pool through its life: created once, verified until a check succeeds (each caller
 * after a failure checks again, concurrent callers share one check), warmed after ready, closed
 * once. Kind-specific work is delegated to its {@link PoolAdapter}.
 */
export class ManagedPool<T> {
  readonly kind: PoolKind;
  readonly name: string;
  readonly fingerprint: string;
  readonly shownConfig: string;
  readonly options: ResolvedPoolOptions;
  readonly #spec: ManagedPoolSpec<T>;
  readonly #createdAt = performance.now();
  #state: State = 'open';
  #adapter: Promise<PoolAdapter<T>> | undefined;
  #opened: PoolAdapter<T> | undefined;
  #verified = false;
  #verifying: Promise<void> | undefined;
  #closing: Promise<PoolCloseReport> | undefined;
  #startupMs: number | undefined;
  #warmMs: number | undefined;
  #warming: Promise<void> | undefined;
  #checkFailures = 0;

  constructor(spec: ManagedPoolSpec<T>) {
    this.kind = spec.kind;
    this.name = spec.name;
    this.fingerprint = spec.fingerprint;
    this.shownConfig = spec.shownConfig;
    this.options = spec.options;
    this.#spec = spec;
  }

  /** Whether the pool still lends. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** The client library's pool, once it exists and (when `check` is on) has answered once. */
  async get(): Promise<T> {
    const adapter = await this.#open();
    if (!this.options.check || this.#verified) return adapter.resource;
    this.#verifying ??= this.#check(adapter).finally(() => {
      this.#verifying = undefined;
    });
    await this.#verifying;
    return adapter.resource;
  }

  /** Opens connections up to `min`; failures are logged, never thrown. */
  async warm(): Promise<void> {
    if (this.#state !== 'open' || !this.options.warm) return;
    this.#warming ??= this.#warm().finally(() => {
      this.#warming = undefined;
    });
    await this.#warming;
  }

  /**
   * Opens connections up to `min` again (a warm-up request's part): the ones the server or an
   * idle timeout closed since the warm-up. Only for a pool that exists and has answered its
   * check, never alongside a warm-up in progress; failures are logged, never thrown, and the
   * `warmMs` gauge keeps the first warm-up's duration.
   */
  async topUp(): Promise<void> {
    const adapter = this.#opened;
    if (this.#state !== 'open' || !this.options.warm || adapter === undefined) return;
    if ((this.options.check && !this.#verified) || this.#warming !== undefined) return;
    this.#warming = adapter
      .warm()
      .catch((error: unknown) => {
        if (this.isOpen) {
          this.options.logger.warn(
            `Pool "${this.name}" (${this.kind}) could not top up to its minimum on a warm-up request; it will connect on demand. ${reason(error)}`,
          );
        }
      })
      .finally(() => {
        this.#warming = undefined;
      });
    await this.#warming;
  }

  async #warm(): Promise<void> {
    const started = performance.now();
    try {
      // The check comes first (shared with the callers waiting for it): warming alongside it would
      // open one connection too many, and warming a pool whose server is down is pointless.
      await this.get();
      const adapter = await this.#open();
      await adapter.warm();
      if (this.isOpen) this.#warmMs = Math.round(performance.now() - started);
    } catch (error) {
      if (this.isOpen) {
        this.options.logger.warn(
          `Pool "${this.name}" (${this.kind}) could not warm up to its minimum; it will connect on demand. ${reason(error)}`,
        );
      }
    }
  }

  /** Gauges for `lifecycle().stats`, the startup report and `/metrics`. */
  stats(): Record<string, number> {
    let gauges: PoolGauges = { size: 0, idle: 0, borrowed: 0, waiting: 0, max: 0, min: 0 };
    try {
      if (this.#opened !== undefined) gauges = this.#opened.gauges();
    } catch {
      // Gauges feed telemetry, which never throws into the code that reads it.
    }
    const out: Record<string, number> = {
      ...gauges,
      verified: this.#verified ? 1 : 0,
      checkFailures: this.#checkFailures,
    };
    if (this.#startupMs !== undefined) out['startupMs'] = this.#startupMs;
    if (this.#warmMs !== undefined) out['warmMs'] = this.#warmMs;
    return out;
  }

  /** Drains once; later calls get the same report. */
  close(): Promise<PoolCloseReport> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  #open(): Promise<PoolAdapter<T>> {
    if (this.#state !== 'open') return Promise.reject(new PoolClosedError(this.name, this.kind));
    this.#adapter ??= this.#spec.open().then(
      (adapter) => {
        this.#opened = adapter;
        return adapter;
      },
      (error: unknown) => {
        // Nothing was created (a missing peer, a constructor that threw): let the next call try again.
        this.#adapter = undefined;
        throw error;
      },
    );
    return this.#adapter;
  }

  async #check(adapter: PoolAdapter<T>): Promise<void> {
    const { checkTimeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const check = adapter.verify();
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`${adapter.checkName} got no answer within checkTimeoutMs (${checkTimeoutMs} ms)`));
      }, checkTimeoutMs);
      timer.unref();
    });
    // The losing promise still settles later; it must not become an unhandled rejection.
    check.catch(() => undefined);
    try {
      await Promise.race([check, timeout]);
      this.#verified = true;
      this.#startupMs ??= Math.round(performance.now() - this.#createdAt);
    } catch (error) {
      this.#checkFailures += 1;
      // Both already name the pool and say what to do; wrapped, the advice would drown.
      if (error instanceof PoolClosedError || error instanceof PoolHostUnresolvedError) throw error;
      throw new PoolUnavailableError(
        this.name,
        this.kind,
        `could not complete its check (${adapter.checkName})`,
        `The pool stays registered: the next call to ${this.#spec.call} checks again, so an initializer that retries recovers once the server is back.`,
        { cause: error },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async #close(): Promise<PoolCloseReport> {
    const started = performance.now();
    this.#state = 'closing';
    const { drainTimeoutMs } = this.options;
    let outcome = { leaked: 0, leakedWhat: 'resources still borrowed' };
    const adapter = await this.#adapter?.catch(() => undefined);
    try {
      if (adapter !== undefined) outcome = await adapter.close(drainTimeoutMs);
    } catch (error) {
      this.options.logger.warn(
        `Pool "${this.name}" (${this.kind}) failed to close cleanly: ${reason(error)}`,
      );
    } finally {
      this.#state = 'closed';
    }
    return {
      poolName: this.name,
      kind: this.kind,
      leaked: outcome.leaked,
      leakedWhat: outcome.leakedWhat,
      drainTimeoutMs,
      durationMs: Math.round(performance.now() - started),
    };
  }
}
