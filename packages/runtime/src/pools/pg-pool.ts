// pools.pg(): the process-wide node-postgres pools, by name. This file is the entry and its
// options; the pool itself is a PgAdapter (pg-adapter.ts) driven by ManagedPool.
import type { Pool, PoolConfig } from 'pg';
import { ConfigError, ThawError } from '../errors.ts';
import { displayOf, fingerprintOf } from './config-fingerprint.ts';
import { PgAdapter, type ResolvedPgOptions } from './pg-adapter.ts';
import { nameAndConfig } from './pool-arguments.ts';
import {
  count,
  defaultPoolOptions,
  durationMs,
  flag,
  poolOptionKeys,
  resolvePoolOptions,
  withoutKeys,
  type PoolOptions,
} from './pool-options.ts';
import { existingPool, poolFor } from './registry.ts';

/**
 * thaw's options for a `pg` pool, beside node-postgres' own `PoolConfig`. pg-pool's own `verify`
 * callback and `connectionTimeoutMillis` still work; `check` is thaw's.
 *
 * @example
 * ```ts
 * await pools.pg('main', { connectionString: process.env.DATABASE_URL, max: 5, acquireTimeoutMs: 2_000 });
 * ```
 */
export interface PgPoolOptions extends PoolOptions {
  /** Connections at most. @default 10 */
  readonly max?: number;
  /** Connections kept open when idle, opened after ready by the warm-up. @default 1 */
  readonly min?: number;
  /** An idle connection above `min` is closed after this long. @default 10000 */
  readonly idleTimeoutMillis?: number;
  /**
   * How long a borrow (`pool.connect()`, `pool.query()`) waits for a connection, whether all are
   * borrowed or a new one is being opened. Sets pg's `connectionTimeoutMillis` unless that is given.
   * @default 5000
   */
  readonly acquireTimeoutMs?: number;
  /**
   * Open the first connection's TCP socket as soon as the pool is asked for, while `pg` loads,
   * and hand it to the pool's first client. Only for a TCP host and port that `pg` itself
   * resolves the same way; a Unix socket or a custom `stream` connects as usual.
   * @default true
   */
  readonly earlyConnect?: boolean;
}

/**
 * A connection string, or node-postgres' `PoolConfig` with thaw's {@link PgPoolOptions}.
 *
 * @example
 * ```ts
 * const config: PgPoolConfig = { connectionString: process.env.DATABASE_URL, application_name: 'orders', max: 4 };
 * ```
 */
export type PgPoolConfig =
  | string
  | (Omit<PoolConfig, 'max' | 'min' | 'idleTimeoutMillis'> & PgPoolOptions & { readonly check?: boolean });

/**
 * The defaults of {@link PgPoolOptions}.
 *
 * @example
 * ```ts
 * defaultPgPoolOptions.max; // 10
 * ```
 */
export const defaultPgPoolOptions = {
  ...defaultPoolOptions,
  max: 10,
  min: 1,
  idleTimeoutMillis: 10_000,
  acquireTimeoutMs: 5_000,
  earlyConnect: true,
} as const satisfies Required<PgPoolOptions>;

const thawKeys: readonly string[] = [...poolOptionKeys, 'acquireTimeoutMs', 'earlyConnect'];

/**
 * The process-wide `pg.Pool` of that name, created on first call (loading `pg` then) and resolved
 * once `SELECT 1` has answered (see `check`). Same name and configuration → the same pool; same
 * name, other configuration → `PoolExistsError`. Connection failures become
 * `PoolUnavailableError`, a borrow that waited `acquireTimeoutMs` with every connection in use
 * becomes `PoolExhaustedError`, and no `'error'` event from an idle or borrowed client is ever
 * left unhandled.
 *
 * @example
 * ```ts
 * init('db', () => pools.pg('main', { connectionString: process.env.DATABASE_URL }), { when: 'critical' });
 * const db = await pools.pg('main'); // later, by name
 * const { rows } = await db.query('SELECT now()');
 * ```
 */
export function pgPool(config: PgPoolConfig): Promise<Pool>;
export function pgPool(name: string, config?: PgPoolConfig): Promise<Pool>;
export function pgPool(first: PgPoolConfig | string, second?: PgPoolConfig): Promise<Pool> {
  try {
    const { name, config: raw } = nameAndConfig('pools.pg()', 'pg', first, second);
    const config = raw as PgPoolConfig | undefined;
    const call = `pools.pg("${name}")`;
    if (config === undefined) return existingPool<Pool>('pg', name).get();
    const value: unknown = config;
    if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) {
      throw new ConfigError(`${call} config`, config, 'a connection string or a pg PoolConfig object');
    }
    const given = typeof config === 'string' ? { connectionString: config } : config;
    missingConnectionString(name, given);
    const { logger: _logger, ...compared } = given;
    return poolFor<Pool>(
      { kind: 'pg', name, fingerprint: fingerprintOf(compared), shown: () => displayOf(compared) },
      () => {
        const options = resolvePgOptions(given, call);
        return { call, options, open: () => PgAdapter.open(name, withoutKeys(given, thawKeys), options) };
      },
    ).get();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function resolvePgOptions(given: Exclude<PgPoolConfig, string>, call: string): ResolvedPgOptions {
  const max = count(`${call} max`, given.max ?? defaultPgPoolOptions.max, 1);
  const min = count(`${call} min`, given.min ?? defaultPgPoolOptions.min, 0, max);
  return {
    ...resolvePoolOptions(given, call),
    max,
    min,
    idleTimeoutMillis: durationMs(
      `${call} idleTimeoutMillis`,
      given.idleTimeoutMillis ?? defaultPgPoolOptions.idleTimeoutMillis,
    ),
    acquireTimeoutMs: durationMs(
      `${call} acquireTimeoutMs`,
      given.acquireTimeoutMs ?? given.connectionTimeoutMillis ?? defaultPgPoolOptions.acquireTimeoutMs,
    ),
    earlyConnect: flag(`${call} earlyConnect`, given.earlyConnect ?? defaultPgPoolOptions.earlyConnect),
  };
}

// `connectionString: process.env.DATABASE_URL` with the variable unset would reach pg as "no
// connection string", and pg then fails later with "no PostgreSQL user name specified in startup
// packet" — a message that names neither the variable nor the fix.
function missingConnectionString(name: string, given: Exclude<PgPoolConfig, string>): void {
  if (!('connectionString' in given) || (given.connectionString ?? '') !== '') return;
  if (given.host !== undefined || given.user !== undefined) return;
  if ((process.env['PGHOST'] ?? '') !== '' || (process.env['PGUSER'] ?? '') !== '') return;
  const variable =
    (process.env['DATABASE_URL'] ?? '') === '' ? 'DATABASE_URL is not set' : 'The connection string is empty';
  throw new ThawError(
    'THAW_CONFIG_INVALID',
    `${variable}: pools.pg("${name}") got connectionString ${given.connectionString === undefined ? 'undefined' : '""'} and no host or user. Set DATABASE_URL to the database's URL (postgres://user@host:5432/database), or pass host, user and database in the config.`,
  );
}
