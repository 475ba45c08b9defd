import type { Pool, PoolClient, PoolConfig } from 'pg';
import { ConfigError, ThawError } from '../errors.ts';
import { settlesWithin } from './bounded-wait.ts';
import { displayOf, fingerprintOf } from './config-fingerprint.ts';
import { loadPeer, member } from './load-peer.ts';
import { reason, type PoolAdapter } from './managed-pool.ts';
import { nameAndConfig } from './pool-arguments.ts';
import { PoolClosedError, PoolExhaustedError, PoolUnavailableError } from './pool-errors.ts';
import {
  count,
  defaultPoolOptions,
  durationMs,
  poolOptionKeys,
  resolvePoolOptions,
  withoutKeys,
  type PoolOptions,
  type ResolvedPoolOptions,
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
} as const satisfies Required<PgPoolOptions>;

const thawKeys: readonly string[] = [...poolOptionKeys, 'acquireTimeoutMs'];

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
        return { call, options, open: () => openPg(name, withoutKeys(given, thawKeys), options) };
      },
    ).get();
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

interface ResolvedPgOptions extends ResolvedPoolOptions {
  readonly max: number;
  readonly min: number;
  readonly idleTimeoutMillis: number;
  readonly acquireTimeoutMs: number;
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
  };
}

type ConnectCallback = (
  error: Error | undefined,
  client: PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

async function openPg(
  name: string,
  config: PoolConfig,
  options: ResolvedPgOptions,
): Promise<PoolAdapter<Pool>> {
  const pg = await loadPeer('pg', 'pools.pg()');
  const PgPool = member(pg, 'Pool') as typeof Pool | undefined;
  if (PgPool === undefined)
    throw new Error('The installed "pg" package has no Pool export; install pg 8.11 or newer.');
  const pool = new PgPool({
    ...config,
    max: options.max,
    min: options.min,
    idleTimeoutMillis: options.idleTimeoutMillis,
    connectionTimeoutMillis: options.acquireTimeoutMs,
  });
  const { logger } = options;
  const borrowed = new Set<PoolClient>();
  pool.on('acquire', (client) => borrowed.add(client));
  pool.on('release', (_error, client) => borrowed.delete(client));
  pool.on('remove', (client) => borrowed.delete(client));
  // pg-pool re-emits an idle client's socket error on the pool; unhandled, it kills the process.
  pool.on('error', (error) => {
    if (pool.ending) return;
    logger.warn(
      `Pool "${name}" (pg) dropped an idle connection, which it will replace on demand: ${reason(error)}`,
    );
  });
  // A borrowed client has no 'error' listener of pg-pool's: without this one, a connection killed
  // between two queries of a borrower would crash the process instead of failing its next query.
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      if (borrowed.has(client)) {
        logger.warn(`Pool "${name}" (pg) lost a borrowed connection; its next query fails: ${reason(error)}`);
      }
    });
  });

  // Looked up on the prototype at each call, not captured now: an instrumentation that patches
  // pg-pool's `connect` later (thaw loads OpenTelemetry after ready) must reach this pool too.
  const prototype = Object.getPrototypeOf(pool) as object;
  const connect = (callback?: ConnectCallback): Promise<PoolClient> | undefined =>
    (
      Reflect.get(prototype, 'connect', pool) as (
        callback?: ConnectCallback,
      ) => Promise<PoolClient> | undefined
    ).call(pool, callback);
  const explain = (error: unknown): Error => {
    if (!(error instanceof Error)) return new Error(String(error));
    if (error.message === 'timeout exceeded when trying to connect') {
      return new PoolExhaustedError(
        name,
        'pg',
        {
          size: options.max,
          borrowed: pool.totalCount - pool.idleCount,
          waiting: pool.waitingCount + 1,
          acquireTimeoutMs: options.acquireTimeoutMs,
        },
        { cause: error },
      );
    }
    if (pool.ending || error.message.startsWith('Cannot use a pool after calling end')) {
      return new PoolClosedError(name, 'pg', { cause: error });
    }
    return new PoolUnavailableError(
      name,
      'pg',
      'could not open a connection',
      'Check that the database is up and reachable; the next borrow tries again.',
      { cause: error },
    );
  };
  Object.defineProperty(pool, 'connect', {
    configurable: true,
    writable: true,
    value: (callback?: ConnectCallback) => {
      if (callback !== undefined) {
        void connect((error, client, done) => {
          callback(error === undefined ? undefined : explain(error), client, done);
        });
        return undefined;
      }
      return (connect() as Promise<PoolClient>).catch((error: unknown) => {
        throw explain(error);
      });
    },
  });

  return {
    resource: pool,
    checkName: 'SELECT 1',
    verify: async () => {
      await pool.query('SELECT 1');
    },
    warm: async () => {
      if (pool.totalCount >= options.min) return;
      // Holding `min` clients at once is what makes the pool open new ones instead of reusing idle ones.
      const clients = await Promise.allSettled(Array.from({ length: options.min }, () => pool.connect()));
      for (const result of clients) if (result.status === 'fulfilled') result.value.release();
      const failed = clients.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
    gauges: () => ({
      size: pool.totalCount,
      idle: pool.idleCount,
      borrowed: pool.totalCount - pool.idleCount,
      waiting: pool.waitingCount,
      max: options.max,
      min: options.min,
    }),
    close: (drainTimeoutMs) => closePg(pool, borrowed, drainTimeoutMs),
  };
}

async function closePg(
  pool: Pool,
  borrowed: Set<PoolClient>,
  drainTimeoutMs: number,
): Promise<{ leaked: number; leakedWhat: string }> {
  const ended = pool.end().catch(() => undefined);
  if (await settlesWithin(ended, drainTimeoutMs))
    return { leaked: 0, leakedWhat: 'connections still borrowed' };
  const leaked = borrowed.size;
  for (const client of [...borrowed]) {
    const release = client.release.bind(client);
    // The borrower may still call release() later; after this forced one it must be harmless.
    client.release = () => undefined;
    try {
      release(new Error('The pool was drained at shutdown while this connection was still borrowed.'));
    } catch {
      // Already released in the meantime: nothing left to do.
    }
  }
  await settlesWithin(ended, 1_000);
  return { leaked, leakedWhat: leaked === 1 ? 'connection still borrowed' : 'connections still borrowed' };
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
