// Initializers: named, typed, single-flight factories for the expensive things a function needs
// (a database pool, a model, a config fetch), declared with when they must be ready. A failure is
// never cached; critical ones retry on their own with backoff while readiness stays 503. This file
// is the public declaration and its validation; one initializer's states live in initializer.ts.
import { ConfigError, ThawError } from './errors.ts';
import { defaultRetryOptions, type RetryOptions } from './init-backoff.ts';
import { initRegistry, type InitWhen, type InitializerStatus } from './init-registry.ts';
import { InitializerCell, type InitializerSpec } from './initializer.ts';

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
  const spec = resolveSpec(name, factory, options);
  const registry = initRegistry();
  if (registry.initializers.has(name)) {
    throw new ThawError(
      'THAW_INIT_DUPLICATE',
      `An initializer named "${name}" already exists. Give each init() a unique name, and call init() once at module top level, not inside a handler.`,
    );
  }
  const cell = new InitializerCell(spec);
  registry.initializers.set(name, cell);
  // Declared after the server started this kind (a late import): start it now like the others.
  if (registry.started.has(spec.when)) cell.start();
  return Object.assign(() => cell.get(), { initializerName: name, status: () => cell.status() });
}

function resolveSpec<T>(
  name: string,
  factory: (context: InitContext) => Promise<T> | T,
  options: InitOptions<T>,
): InitializerSpec<T> {
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
  return { name, factory, when, dispose, retry: resolveRetry(name, options.retry) };
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
