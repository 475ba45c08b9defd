// One initializer's life: idle → pending → ready, or pending → failed → (retry) pending. A single
// flight at a time; a failure is never cached; a critical initializer, once the server started
// it, retries on its own with backoff until it succeeds, `maxAttempts` is used up or the process
// shuts down.
import { ThawError } from './errors.ts';
import { backoffDelayMs } from './init-backoff.ts';
import {
  initRegistry,
  notifyInitializerChange,
  type InitState,
  type InitWhen,
  type InitializerStatus,
  type RegisteredInitializer,
} from './init-registry.ts';
import { onShutdown } from './lifecycle.ts';
import { describeError } from './logger.ts';
import { noteInitFailure } from './request-scope.ts';
import { recordMark, sinceStart } from './startup/marks.ts';

// Failing critical inits can retry for hours; only the first attempts go into the fixed-size
// startup timeline so the retries cannot crowd out the rest of it.
const maxRecordedAttempts = 3;

/** An initializer's settings, validated (init.ts). */
export interface InitializerSpec<T> {
  readonly name: string;
  readonly factory: (context: { attempt: number; signal: AbortSignal }) => Promise<T> | T;
  readonly when: InitWhen;
  readonly dispose: ((value: T) => Promise<void> | void) | undefined;
  readonly retry: { maxAttempts: number | undefined; initialDelayMs: number; maxDelayMs: number };
}

/**
 * The state of one initializer and its transitions.
 *
 * @example
 * ```ts
 * const cell = new InitializerCell(spec);
 * const value = await cell.get();
 * ```
 */
export class InitializerCell<T> implements RegisteredInitializer {
  readonly #spec: InitializerSpec<T>;
  readonly #registry = initRegistry();
  #state: InitState = 'idle';
  #value: T | undefined;
  #attempts = 0;
  #startMs: number | undefined;
  #endMs: number | undefined;
  #lastError: unknown;
  #flight: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryAt: number | undefined;
  #autoRetry = false;

  constructor(spec: InitializerSpec<T>) {
    this.#spec = spec;
  }

  /** The value: at once when ready, else after an attempt (shared with concurrent callers). */
  async get(): Promise<T> {
    if (this.#state === 'ready') return this.#value as T;
    // During a critical init's backoff, callers fail fast instead of hammering the dependency.
    if (this.#retryTimer !== undefined) throw this.#scopedFailure();
    await this.#run();
    if (this.#isReady()) return this.#value as T;
    throw this.#scopedFailure();
  }

  /** Starts an attempt unless one is running, one is scheduled or the value is there. */
  start(): void {
    if (this.#spec.when === 'critical') this.#autoRetry = true;
    if (this.#state === 'ready' || this.#flight !== undefined || this.#retryTimer !== undefined) return;
    void this.#run();
  }

  status(): InitializerStatus {
    const { name, when } = this.#spec;
    const state = this.#state;
    return {
      name,
      when,
      state,
      attempts: this.#attempts,
      ...(this.#startMs === undefined ? {} : { startMs: this.#startMs }),
      ...(this.#endMs === undefined ? {} : { endMs: this.#endMs }),
      // Kept while the next attempt runs: a probe between two attempts must still see why.
      ...(state === 'failed' || this.#lastError !== undefined
        ? { error: describeError(this.#lastError) }
        : {}),
      ...(this.#retryAt === undefined ? {} : { nextAttemptInMs: this.#msUntilRetry(this.#retryAt) }),
    };
  }

  // A method, not `this.#state === 'ready'` inline: `get()` reads the state again after an await,
  // which TypeScript's narrowing from the first read would otherwise reject.
  #isReady(): boolean {
    return this.#state === 'ready';
  }

  #run(): Promise<void> {
    if (this.#flight !== undefined) return this.#flight;
    const attempt = ++this.#attempts;
    this.#state = 'pending';
    const t0 = sinceStart();
    this.#startMs ??= t0;
    notifyInitializerChange();
    const flight = this.#attempt(attempt, t0);
    this.#flight = flight;
    return flight;
  }

  async #attempt(attempt: number, t0: number): Promise<void> {
    // Yield first, so the flight is set before a synchronously throwing factory settles it.
    await Promise.resolve();
    try {
      const value = await this.#spec.factory({ attempt, signal: this.#registry.abort.signal });
      this.#succeeded(value, attempt, t0);
    } catch (error) {
      this.#failed(error, attempt, t0);
    } finally {
      this.#flight = undefined;
      notifyInitializerChange();
    }
  }

  #succeeded(value: T, attempt: number, t0: number): void {
    const { name, when, dispose } = this.#spec;
    this.#value = value;
    this.#state = 'ready';
    this.#lastError = undefined;
    this.#endMs = sinceStart();
    recordMark(`init ${name}`, t0, this.#endMs, { when, outcome: 'ready', attempt });
    if (dispose !== undefined) onShutdown(`init ${name}`, () => dispose(value));
  }

  #failed(error: unknown, attempt: number, t0: number): void {
    const { name, when } = this.#spec;
    this.#state = 'failed';
    this.#lastError = error;
    this.#endMs = sinceStart();
    if (attempt <= maxRecordedAttempts)
      recordMark(`init ${name}`, t0, this.#endMs, { when, outcome: 'failed', attempt });
    const willRetry = when === 'critical' && this.#autoRetry;
    this.#registry.logger.error(`Initializer "${name}" failed (attempt ${attempt}).`, {
      initializer: name,
      when,
      attempt,
      error: describeError(error),
      retry: willRetry ? 'scheduled' : 'on next use',
    });
    if (willRetry) this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    const { name, retry } = this.#spec;
    const registry = this.#registry;
    if (registry.abort.signal.aborted) return;
    if (retry.maxAttempts !== undefined && this.#attempts >= retry.maxAttempts) {
      registry.logger.error(
        `Critical initializer "${name}" failed ${this.#attempts} times (maxAttempts); giving up.`,
        { initializer: name, attempts: this.#attempts, error: describeError(this.#lastError) },
      );
      registry.onExhausted?.(name, this.#lastError);
      return;
    }
    const delay = backoffDelayMs(this.#attempts, retry);
    this.#retryAt = sinceStart() + delay;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#retryAt = undefined;
      if (!registry.abort.signal.aborted) void this.#run();
    }, delay);
    // The server keeps the process alive; a pending retry alone must not.
    this.#retryTimer.unref();
  }

  // Remembered with the request it is raised in, so that a route leaving it unhandled gets 503.
  #scopedFailure(): ThawError {
    const next =
      this.#retryAt === undefined
        ? 'The next use tries again.'
        : `The next attempt starts in ${this.#msUntilRetry(this.#retryAt)} ms.`;
    const error = new ThawError(
      'THAW_INIT_FAILED',
      `Initializer "${this.#spec.name}" failed (attempt ${this.#attempts}): ${describeError(this.#lastError)}. ${next}`,
      { cause: this.#lastError },
    );
    noteInitFailure(error);
    return error;
  }

  #msUntilRetry(at: number): number {
    return Math.max(0, Math.round(at - sinceStart()));
  }
}
