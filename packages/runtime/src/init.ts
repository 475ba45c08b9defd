// Initializers: named, typed, single-flight factories for the expensive things a function needs
// (a database pool, a model, a config fetch), declared with when they must be ready. A failure is
// never cached; critical ones retry on their own with backoff while readiness stays 503.
import { ConfigError, ThawError } from './errors.ts';
import { backoffDelayMs, defaultRetryOptions, type RetryOptions } from './init-backoff.ts';
import {
  initRegistry,
  notifyInitializerChange,
  type InitState,
  type InitWhen,
  type InitializerStatus,
} from './init-registry.ts';
import { onShutdown } from './lifecycle.ts';
import { describeError } from './logger.ts';
import { noteInitFailure } from './request-scope.ts';
import { recordMark, sinceStart } from './startup/marks.ts';

/**
 * What a factory receives.
 *
 * @example
 * ```ts
 * init('config', async ({ attempt, signal }) => (await fetch(configUrl, { signal })).json());
 * ```
 */
export interface InitContext {
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** Aborted when the process starts shutting down. */
  readonly signal: AbortSignal;
}

/**
 * Options of {@link init}.
 *
 * @example
 * ```ts
 * init('db', () => connect(), { when: 'critical', dispose: (pool) => pool.end() });
 * ```
 */
export interface InitOptions<T> {
  /**
   * `critical`: started as soon as the server listens; readiness waits for it.
   * `background`: started right after ready (or by a warm-up request).
   * `on-demand`: started on first use.
   * @default 'on-demand'
   */
  readonly when?: InitWhen;
  /** Releases the value on shutdown; disposers run in reverse order of creation. @default none */
  readonly dispose?: ((value: T) => Promise<void> | void) | undefined;
  /** Automatic retries of a critical initializer. @default defaultRetryOptions */
  readonly retry?: RetryOptions;
}

/**
 * The defaults of {@link InitOptions}.
 *
 * @example
 * ```ts
 * init('cache', connect, { when: defaultInitOptions.when }); // on-demand
 * ```
 */
export const defaultInitOptions = {
  when: 'on-demand',
  dispose: undefined,
  retry: defaultRetryOptions,
} as const satisfies Required<InitOptions<unknown>>;

/**
 * The accessor returned by {@link init}: call it to get the value.
 *
 * @example
 * ```ts
 * const db = init('db', connect, { when: 'critical' });
 * if (db.status().state === 'ready') console.log('connected');
 * const pool = await db();
 * ```
 */
export interface Initializer<T> {
  (): Promise<T>;
  readonly initializerName: string;
  /** Where the initializer stands, without starting it. */
  status(): InitializerStatus;
}

const whens: readonly InitWhen[] = ['critical', 'background', 'on-demand'];
// Failing critical inits can retry for hours; only the first attempts go into the fixed-size
// startup timeline so the retries cannot crowd out the rest of it.
const maxRecordedAttempts = 3;

/**
 * Declares an initializer and returns its typed accessor. Concurrent callers share one attempt;
 * a rejection is not cached, so the next use tries again.
 *
 * @example
 * ```ts
 * const db = init('db', async () => new Pool({ connectionString: process.env.DATABASE_URL }), {
 *   when: 'critical',
 *   dispose: (pool) => pool.end(),
 * });
 * serve(async () => Response.json((await (await db()).query('select 1')).rows));
 * ```
 */
export function init<T>(
  name: string,
  factory: (context: InitContext) => Promise<T> | T,
  options: InitOptions<T> = {},
): Initializer<T> {
  if (typeof name !== 'string' || name === '')
    throw new ConfigError('init() name', name, 'a non-empty string');
  if (typeof factory !== 'function') {
    throw new ConfigError(
      `init("${name}") factory`,
      factory,
      'a function returning the value or a promise of it',
    );
  }
  const when = options.when ?? defaultInitOptions.when;
  if (!whens.includes(when))
    throw new ConfigError(`init("${name}") when`, when, "'critical', 'background' or 'on-demand'");
  const dispose = options.dispose ?? defaultInitOptions.dispose;
  if (dispose !== undefined && typeof dispose !== 'function') {
    throw new ConfigError(`init("${name}") dispose`, dispose, 'a function');
  }
  const retry = resolveRetry(name, options.retry);
  const registry = initRegistry();
  if (registry.initializers.has(name)) {
    throw new ThawError(
      'THAW_INIT_DUPLICATE',
      `An initializer named "${name}" already exists. Give each init() a unique name, and call init() once at module top level, not inside a handler.`,
    );
  }

  let state: InitState = 'idle';
  let value: T | undefined;
  let attempts = 0;
  let startMs: number | undefined;
  let endMs: number | undefined;
  let lastError: unknown;
  let flight: Promise<void> | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let retryAt: number | undefined;
  let autoRetry = false;

  const failure = (): ThawError => {
    const next =
      retryAt === undefined
        ? 'The next use tries again.'
        : `The next attempt starts in ${Math.max(0, Math.round(retryAt - sinceStart()))} ms.`;
    return new ThawError(
      'THAW_INIT_FAILED',
      `Initializer "${name}" failed (attempt ${attempts}): ${describeError(lastError)}. ${next}`,
      { cause: lastError },
    );
  };

  // Remembered with the request it is raised in, so that a route leaving it unhandled gets 503.
  const scopedFailure = (): ThawError => {
    const error = failure();
    noteInitFailure(error);
    return error;
  };

  const scheduleRetry = (): void => {
    if (registry.abort.signal.aborted) return;
    if (retry.maxAttempts !== undefined && attempts >= retry.maxAttempts) {
      registry.logger.error(
        `Critical initializer "${name}" failed ${attempts} times (maxAttempts); giving up.`,
        {
          initializer: name,
          attempts,
          error: describeError(lastError),
        },
      );
      registry.onExhausted?.(name, lastError);
      return;
    }
    const delay = backoffDelayMs(attempts, retry);
    retryAt = sinceStart() + delay;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      retryAt = undefined;
      if (!registry.abort.signal.aborted) void run();
    }, delay);
    // The server keeps the process alive; a pending retry alone must not.
    retryTimer.unref();
  };

  const run = (): Promise<void> => {
    if (flight !== undefined) return flight;
    const attempt = ++attempts;
    state = 'pending';
    const t0 = sinceStart();
    startMs ??= t0;
    notifyInitializerChange();
    const current = (async () => {
      // Yield first, so `flight` is set before a synchronously throwing factory settles it.
      await Promise.resolve();
      try {
        const result = await factory({ attempt, signal: registry.abort.signal });
        value = result;
        state = 'ready';
        lastError = undefined;
        endMs = sinceStart();
        recordMark(`init ${name}`, t0, endMs, { when, outcome: 'ready', attempt });
        if (dispose !== undefined) {
          onShutdown(`init ${name}`, () => dispose(result));
        }
      } catch (error) {
        state = 'failed';
        lastError = error;
        endMs = sinceStart();
        if (attempt <= maxRecordedAttempts)
          recordMark(`init ${name}`, t0, endMs, { when, outcome: 'failed', attempt });
        const willRetry = when === 'critical' && autoRetry;
        registry.logger.error(`Initializer "${name}" failed (attempt ${attempt}).`, {
          initializer: name,
          when,
          attempt,
          error: describeError(error),
          retry: willRetry ? 'scheduled' : 'on next use',
        });
        if (willRetry) scheduleRetry();
      } finally {
        flight = undefined;
        notifyInitializerChange();
      }
    })();
    flight = current;
    return current;
  };

  const currentState = (): InitState => state;

  const accessor = async (): Promise<T> => {
    if (state === 'ready') return value as T;
    // During a critical init's backoff, callers fail fast instead of hammering the dependency.
    if (retryTimer !== undefined) throw scopedFailure();
    await run();
    // run() changed `state`; read it afresh rather than through the narrowing above.
    if (currentState() === 'ready') return value as T;
    throw scopedFailure();
  };

  const status = (): InitializerStatus => ({
    name,
    when,
    state,
    attempts,
    ...(startMs === undefined ? {} : { startMs }),
    ...(endMs === undefined ? {} : { endMs }),
    ...(state === 'failed' ? { error: describeError(lastError) } : {}),
    ...(retryAt === undefined ? {} : { nextAttemptInMs: Math.max(0, Math.round(retryAt - sinceStart())) }),
  });

  const registered = {
    status,
    start: () => {
      if (when === 'critical') autoRetry = true;
      if (state === 'ready' || flight !== undefined || retryTimer !== undefined) return;
      void run();
    },
  };
  registry.initializers.set(name, registered);
  // Declared after the server started this kind (a late import): start it now like the others.
  if (registry.started.has(when)) registered.start();
  return Object.assign(accessor, { initializerName: name, status });
}

function resolveRetry(
  name: string,
  retry: RetryOptions | undefined,
): { maxAttempts: number | undefined; initialDelayMs: number; maxDelayMs: number } {
  const maxAttempts = retry?.maxAttempts ?? defaultRetryOptions.maxAttempts;
  const initialDelayMs = retry?.initialDelayMs ?? defaultRetryOptions.initialDelayMs;
  const maxDelayMs = retry?.maxDelayMs ?? defaultRetryOptions.maxDelayMs;
  if (maxAttempts !== undefined && (!Number.isInteger(maxAttempts) || maxAttempts < 1)) {
    throw new ConfigError(
      `init("${name}") retry.maxAttempts`,
      maxAttempts,
      'an integer ≥ 1, or undefined for unbounded',
    );
  }
  if (!Number.isInteger(initialDelayMs) || initialDelayMs < 0) {
    throw new ConfigError(`init("${name}") retry.initialDelayMs`, initialDelayMs, 'an integer ≥ 0');
  }
  if (!Number.isInteger(maxDelayMs) || maxDelayMs < initialDelayMs) {
    throw new ConfigError(
      `init("${name}") retry.maxDelayMs`,
      maxDelayMs,
      `an integer ≥ initialDelayMs (${initialDelayMs})`,
    );
  }
  return { maxAttempts, initialDelayMs, maxDelayMs };
}
