import { ConfigError } from '../errors.ts';

/**
 * Where pools report what they survive (a dropped connection, a failed warm-up).
 *
 * @example
 * ```ts
 * const logger: PoolLogger = { warn: (message) => log.warn({ component: 'pools' }, message) };
 * ```
 */
export interface PoolLogger {
  warn(message: string): void;
}

/**
 * The default logger: one line on stderr per event; messages are already redacted.
 *
 * @example
 * ```ts
 * consoleLogger.warn('Pool "main" (pg) dropped an idle connection'); // [thaw] Pool "main" …
 * ```
 */
export const consoleLogger: PoolLogger = {
  warn(message) {
    console.warn(`[thaw] ${message}`);
  },
};

/**
 * Options every thaw pool understands, whatever it wraps.
 *
 * @example
 * ```ts
 * await pools.pg('main', { connectionString, checkTimeoutMs: 2_000, drainTimeoutMs: 3_000 });
 * ```
 */
export interface PoolOptions {
  /**
   * Resolve only after one successful round trip (`SELECT 1`, `PING`, one borrow). A failed check
   * rejects, keeps the pool registered, and the next call checks again.
   * @default true
   */
  readonly check?: boolean;
  /** How long that round trip may take before the call rejects. @default 5000 */
  readonly checkTimeoutMs?: number;
  /** How long shutdown waits for borrowed resources to come back before destroying them. @default 5000 */
  readonly drainTimeoutMs?: number;
  /** Open `min` connections in the background once the process is ready. @default true */
  readonly warm?: boolean;
  /** Where dropped connections and failed warm-ups are reported. @default consoleLogger (stderr) */
  readonly logger?: PoolLogger;
}

/**
 * The defaults of {@link PoolOptions}.
 *
 * @example
 * ```ts
 * defaultPoolOptions.checkTimeoutMs; // 5000
 * ```
 */
export const defaultPoolOptions = {
  check: true,
  checkTimeoutMs: 5_000,
  drainTimeoutMs: 5_000,
  warm: true,
  logger: consoleLogger,
} as const satisfies Required<PoolOptions>;

/** {@link PoolOptions} with every default applied. */
export interface ResolvedPoolOptions {
  readonly check: boolean;
  readonly checkTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly warm: boolean;
  readonly logger: PoolLogger;
}

/** The option names thaw reads itself and never passes to the client library. */
export const poolOptionKeys = ['check', 'checkTimeoutMs', 'drainTimeoutMs', 'warm', 'logger'] as const;

/** Applies the defaults and validates what was given; `where` prefixes option names in errors. */
export function resolvePoolOptions(given: PoolOptions, where: string): ResolvedPoolOptions {
  const logger = given.logger ?? defaultPoolOptions.logger;
  if (typeof (logger as Partial<PoolLogger>).warn !== 'function') {
    throw new ConfigError(`${where}.logger`, logger, 'an object with a warn(message) method');
  }
  return {
    check: flag(`${where}.check`, given.check ?? defaultPoolOptions.check),
    checkTimeoutMs: durationMs(
      `${where}.checkTimeoutMs`,
      given.checkTimeoutMs ?? defaultPoolOptions.checkTimeoutMs,
    ),
    drainTimeoutMs: durationMs(
      `${where}.drainTimeoutMs`,
      given.drainTimeoutMs ?? defaultPoolOptions.drainTimeoutMs,
    ),
    warm: flag(`${where}.warm`, given.warm ?? defaultPoolOptions.warm),
    logger,
  };
}

/** A positive whole number of milliseconds, at most a day. */
export function durationMs(option: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 86_400_000) {
    throw new ConfigError(option, value, 'a whole number of milliseconds from 1 to 86400000');
  }
  return value;
}

/** A whole number within `[min, max]`. */
export function count(option: string, value: unknown, min: number, max = 100_000): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(option, value, `a whole number from ${min} to ${max}`);
  }
  return value;
}

/** A boolean, nothing truthy or falsy in its place. */
export function flag(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(option, value, 'true or false');
  return value;
}

/** A copy of `config` without thaw's own keys, ready for the client library. */
export function withoutKeys(config: object, keys: readonly string[]): Record<string, unknown> {
  const rest: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!keys.includes(key)) rest[key] = value;
  }
  return rest;
}
