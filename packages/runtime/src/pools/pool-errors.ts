import { ThawError, redactSecrets } from '../errors.ts';

/**
 * Which client library a pool wraps.
 *
 * @example
 * ```ts
 * const kind: PoolKind = 'pg';
 * ```
 */
export type PoolKind = 'pg' | 'redis' | 'generic';

/**
 * A pool name is already taken by a pool with another configuration (or of another kind).
 * Shows both configurations with secrets redacted.
 *
 * @example
 * ```ts
 * if (error instanceof PoolExistsError) console.error(error.existingConfig, error.requestedConfig);
 * ```
 */
export class PoolExistsError extends ThawError {
  readonly poolName: string;
  readonly existingConfig: string;
  readonly requestedConfig: string;

  constructor(
    poolName: string,
    existing: { kind: PoolKind; shown: string },
    requested: { kind: PoolKind; shown: string },
    differOnlyInSecrets: boolean,
  ) {
    const secretNote = differOnlyInSecrets ? ' They differ only in a secret value, which is not shown.' : '';
    super(
      'THAW_POOL_EXISTS',
      `A ${existing.kind} pool named "${poolName}" already exists with another configuration. ` +
        `Existing: ${existing.kind} ${existing.shown}. Requested: ${requested.kind} ${requested.shown}.${secretNote} ` +
        'Use one configuration per name, or give the second pool its own name.',
    );
    this.name = 'PoolExistsError';
    this.poolName = poolName;
    this.existingConfig = existing.shown;
    this.requestedConfig = requested.shown;
  }
}

/**
 * A borrow waited `acquireTimeoutMs` without getting a resource because every one was in use.
 *
 * @example
 * ```ts
 * if (error instanceof PoolExhaustedError) console.warn(`${error.poolName}: ${error.waiting} waiting`);
 * ```
 */
export class PoolExhaustedError extends ThawError {
  readonly poolName: string;
  readonly size: number;
  readonly borrowed: number;
  readonly waiting: number;
  readonly acquireTimeoutMs: number;

  constructor(
    poolName: string,
    kind: PoolKind,
    counts: { size: number; borrowed: number; waiting: number; acquireTimeoutMs: number },
    options?: { cause?: unknown },
  ) {
    super(
      'THAW_POOL_EXHAUSTED',
      `Pool "${poolName}" (${kind}) had no free resource within ${counts.acquireTimeoutMs} ms: ` +
        `${counts.borrowed} of its ${counts.size} are borrowed and ${counts.waiting} requests are waiting, this one included. ` +
        'Release what you borrow (client.release(), pool.release()), raise max, or raise acquireTimeoutMs.',
      options,
    );
    this.name = 'PoolExhaustedError';
    this.poolName = poolName;
    this.size = counts.size;
    this.borrowed = counts.borrowed;
    this.waiting = counts.waiting;
    this.acquireTimeoutMs = counts.acquireTimeoutMs;
  }
}

/**
 * The pool could not reach its server (or its factory failed): connecting, the check round trip
 * or creating a resource failed. The pool stays registered, so the next call tries again.
 *
 * @example
 * ```ts
 * if (error instanceof PoolUnavailableError) console.warn(error.message); // names the pool and the cause
 * ```
 */
export class PoolUnavailableError extends ThawError {
  readonly poolName: string;

  constructor(poolName: string, kind: PoolKind, what: string, advice: string, options?: { cause?: unknown }) {
    // A cause that is itself a sentence (a wrapped thaw error) must not end in a doubled period.
    const reason = options?.cause === undefined ? '' : `: ${causeText(options.cause).replace(/\.+$/, '')}`;
    super('THAW_POOL_UNAVAILABLE', `Pool "${poolName}" (${kind}) ${what}${reason}. ${advice}`, options);
    this.name = 'PoolUnavailableError';
    this.poolName = poolName;
  }
}

/**
 * The pool's host name does not resolve (`getaddrinfo ENOTFOUND`): most often a cluster-internal
 * Service name (the generated manifests' `redis://redis:6379`) used outside the cluster. The
 * message names the host, the environment variable holding the URL and what to set; the pool
 * stays registered and keeps trying, like any {@link PoolUnavailableError}.
 *
 * @example
 * ```ts
 * if (error instanceof PoolHostUnresolvedError) console.error(`fix the URL: ${error.host} does not resolve`);
 * ```
 */
export class PoolHostUnresolvedError extends PoolUnavailableError {
  /** The host name that did not resolve. */
  readonly host: string;

  constructor(poolName: string, kind: PoolKind, host: string, advice: string, options?: { cause?: unknown }) {
    super(poolName, kind, 'cannot connect', advice, options);
    this.name = 'PoolHostUnresolvedError';
    this.host = host;
  }
}

/**
 * The pool is closing or closed (shutdown, `drainPools()`); it lends nothing any more.
 *
 * @example
 * ```ts
 * if (error instanceof PoolClosedError) return new Response('shutting down', { status: 503 });
 * ```
 */
export class PoolClosedError extends ThawError {
  readonly poolName: string;

  constructor(poolName: string, kind: PoolKind, options?: { cause?: unknown }) {
    super(
      'THAW_POOL_CLOSED',
      `Pool "${poolName}" (${kind}) is closing or closed and lends nothing any more. ` +
        'This happens during shutdown; if it happens earlier, something called drainPools() or closePool() too soon.',
      options,
    );
    this.name = 'PoolClosedError';
    this.poolName = poolName;
  }
}

/**
 * A pool was asked for by name only, but no pool of that name has been created.
 *
 * @example
 * ```ts
 * await pools.pg('main'); // PoolNotFoundError unless pools.pg('main', config) ran first
 * ```
 */
export class PoolNotFoundError extends ThawError {
  readonly poolName: string;

  constructor(poolName: string, kind: PoolKind) {
    super(
      'THAW_POOL_NOT_FOUND',
      `No ${kind} pool named "${poolName}" exists yet. Create it once with its configuration ` +
        `(pools.${kind}("${poolName}", config)) before asking for it by name.`,
    );
    this.name = 'PoolNotFoundError';
    this.poolName = poolName;
  }
}

/**
 * A pool was drained at shutdown while resources were still borrowed; they were destroyed.
 *
 * @example
 * ```ts
 * const reports = await drainPools();
 * for (const report of reports) if (report.leaked > 0) console.warn(report.poolName, report.leaked);
 * ```
 */
export class PoolLeakError extends ThawError {
  readonly poolName: string;
  readonly leaked: number;

  constructor(poolName: string, kind: PoolKind, leaked: number, what: string, drainTimeoutMs: number) {
    super(
      'THAW_POOL_LEAKED',
      `Pool "${poolName}" (${kind}) had ${leaked} ${what} ${drainTimeoutMs} ms after draining began; ` +
        'they were destroyed. Something borrowed them and never gave them back: release every borrowed resource in a finally block.',
    );
    this.name = 'PoolLeakError';
    this.poolName = poolName;
    this.leaked = leaked;
  }
}

function causeText(cause: unknown): string {
  if (cause instanceof AggregateError && cause.errors.length > 0) {
    return redactSecrets(cause.errors.map((error: unknown) => causeText(error)).join('; '));
  }
  if (cause instanceof Error) return redactSecrets(cause.message || cause.name);
  return redactSecrets(String(cause));
}
