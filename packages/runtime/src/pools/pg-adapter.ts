// The pg adapter: a node-postgres Pool whose failures name the pool and never crash the process
// (idle and borrowed clients' socket errors are handled), whose borrows fail with thaw's errors,
// and whose close destroys what is still borrowed once the drain runs out of time.
import { Socket } from 'node:net';
import type { Pool, PoolClient, PoolConfig } from 'pg';
import { settlesWithin } from '../bounded-wait.ts';
import { adoptable, EarlySocket } from './early-socket.ts';
import { pgTarget } from './early-targets.ts';
import { loadPeer, member } from './load-peer.ts';
import { closeOutcome, reason } from './pool-adapter.ts';
import type { AdapterCloseOutcome, PoolAdapter, PoolGauges } from './pool-adapter.ts';
import { PoolClosedError, PoolExhaustedError, PoolUnavailableError } from './pool-errors.ts';
import type { ResolvedPoolOptions } from './pool-options.ts';
import { unresolvedHostError, type UrlConvention } from './unresolved-host.ts';

/** pg pool options with every default applied. */
export interface ResolvedPgOptions extends ResolvedPoolOptions {
  readonly max: number;
  readonly min: number;
  readonly idleTimeoutMillis: number;
  readonly acquireTimeoutMs: number;
  readonly earlyConnect: boolean;
}

type ConnectCallback = (
  error: Error | undefined,
  client: PoolClient | undefined,
  done: (release?: unknown) => void,
) => void;

type Connect = (callback?: ConnectCallback) => Promise<PoolClient> | undefined;

// How long closed connections may take to finish closing once the pool has ended.
const socketCloseMs = 1_000;

const pgUrls: UrlConvention = {
  variable: 'DATABASE_URL',
  example: 'postgres://postgres@127.0.0.1:5432/postgres',
};

/**
 * A `pg.Pool` behind the {@link PoolAdapter} shape.
 *
 * @example
 * ```ts
 * const adapter = await PgAdapter.open('main', { connectionString }, options);
 * await adapter.verify();
 * ```
 */
export class PgAdapter implements PoolAdapter<Pool> {
  readonly resource: Pool;
  readonly checkName = 'SELECT 1';
  readonly #name: string;
  readonly #options: ResolvedPgOptions;
  readonly #borrowed = new Set<PoolClient>();
  // Every client with a connection, until its socket has closed ('remove' comes after that).
  readonly #connected = new Set<PoolClient>();
  #lastClosed: (() => void) | undefined;
  readonly #early: EarlySocket | undefined;

  /**
   * Opens the first connection (with `earlyConnect`), loads `pg` meanwhile, and creates the pool,
   * whose first client adopts that connection.
   */
  static async open(name: string, config: PoolConfig, options: ResolvedPgOptions): Promise<PgAdapter> {
    const target = options.earlyConnect ? pgTarget(config as Record<string, unknown>) : undefined;
    const early = target === undefined ? undefined : EarlySocket.open(target, options.acquireTimeoutMs);
    try {
      const pg = await loadPeer('pg', 'pools.pg()');
      const PgPool = member(pg, 'Pool') as typeof Pool | undefined;
      if (PgPool === undefined)
        throw new Error('The installed "pg" package has no Pool export; install pg 8.11 or newer.');
      const stream = early === undefined ? undefined : earlyStream(pg, config, early);
      const pool = new PgPool({
        ...config,
        ...(stream === undefined ? {} : { stream }),
        max: options.max,
        min: options.min,
        idleTimeoutMillis: options.idleTimeoutMillis,
        connectionTimeoutMillis: options.acquireTimeoutMs,
      });
      return new PgAdapter(name, pool, options, early);
    } catch (error) {
      early?.dispose();
      throw error;
    }
  }

  constructor(name: string, pool: Pool, options: ResolvedPgOptions, early?: EarlySocket) {
    this.resource = pool;
    this.#name = name;
    this.#options = options;
    this.#early = early;
    this.#trackBorrowed();
    this.#handleClientErrors();
    this.#explainConnectFailures();
  }

  async verify(): Promise<void> {
    await this.resource.query('SELECT 1');
  }

  async warm(): Promise<void> {
    const pool = this.resource;
    const { min } = this.#options;
    if (pool.totalCount >= min) return;
    // Holding `min` clients at once is what makes the pool open new ones instead of reusing idle ones.
    const clients = await Promise.allSettled(Array.from({ length: min }, () => pool.connect()));
    for (const result of clients) if (result.status === 'fulfilled') result.value.release();
    const failed = clients.find((result) => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  gauges(): PoolGauges {
    const pool = this.resource;
    return {
      size: pool.totalCount,
      idle: pool.idleCount,
      borrowed: pool.totalCount - pool.idleCount,
      waiting: pool.waitingCount,
      max: this.#options.max,
      min: this.#options.min,
    };
  }

  async close(drainTimeoutMs: number): Promise<AdapterCloseOutcome> {
    this.#early?.dispose();
    const ended = this.resource.end().catch(() => undefined);
    let leaked = 0;
    if (!(await settlesWithin(ended, drainTimeoutMs))) {
      leaked = this.#borrowed.size;
      this.#releaseBorrowed();
      await settlesWithin(ended, 1_000);
    }
    await this.#socketsClosed(socketCloseMs);
    return closeOutcome(leaked, 'connection', 'still borrowed');
  }

  // pg-pool's end() resolves once no client is left in the pool, while their sockets are still
  // closing (Terminate sent, the server's end not yet seen); a process that exits then can cut
  // them, and the server still counts them. Wait for the sockets, and destroy the ones a server
  // that stopped answering would hold open.
  async #socketsClosed(withinMs: number): Promise<void> {
    if (this.#connected.size === 0) return;
    const closed = new Promise<void>((resolve) => (this.#lastClosed = resolve));
    if (await settlesWithin(closed, withinMs)) return;
    this.#lastClosed = undefined;
    for (const client of this.#connected) {
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }
  }

  #trackBorrowed(): void {
    const pool = this.resource;
    pool.on('acquire', (client) => this.#borrowed.add(client));
    pool.on('release', (_error, client) => this.#borrowed.delete(client));
    pool.on('remove', (client) => {
      this.#borrowed.delete(client);
      this.#connected.delete(client);
      if (this.#connected.size === 0) this.#lastClosed?.();
    });
    pool.on('connect', (client) => this.#connected.add(client));
  }

  #handleClientErrors(): void {
    const pool = this.resource;
    const { logger } = this.#options;
    // pg-pool re-emits an idle client's socket error on the pool; unhandled, it kills the process.
    pool.on('error', (error) => {
      if (pool.ending) return;
      logger.warn(
        `Pool "${this.#name}" (pg) dropped an idle connection, which it will replace on demand: ${reason(error)}`,
      );
    });
    // A borrowed client has no 'error' listener of pg-pool's: without this one, a connection killed
    // between two queries of a borrower would crash the process instead of failing its next query.
    pool.on('connect', (client) => {
      client.on('error', (error) => {
        if (!this.#borrowed.has(client)) return;
        logger.warn(
          `Pool "${this.#name}" (pg) lost a borrowed connection; its next query fails: ${reason(error)}`,
        );
      });
    });
  }

  #explainConnectFailures(): void {
    const pool = this.resource;
    // Looked up on the prototype at each call, not captured now: an instrumentation that patches
    // pg-pool's `connect` later (thaw loads OpenTelemetry after ready) must reach this pool too.
    const prototype = Object.getPrototypeOf(pool) as object;
    const connect: Connect = (callback) =>
      (Reflect.get(prototype, 'connect', pool) as Connect).call(pool, callback);
    const explained = (callback?: ConnectCallback): Promise<PoolClient> | undefined => {
      if (callback === undefined) {
        return (connect() as Promise<PoolClient>).catch((error: unknown) => {
          throw this.#explain(error);
        });
      }
      void connect((error, client, done) => {
        callback(error === undefined ? undefined : this.#explain(error), client, done);
      });
      return undefined;
    };
    Object.defineProperty(pool, 'connect', { configurable: true, writable: true, value: explained });
  }

  #explain(error: unknown): Error {
    if (!(error instanceof Error)) return new Error(String(error));
    const pool = this.resource;
    const name = this.#name;
    if (error.message === 'timeout exceeded when trying to connect') {
      const { max: size, acquireTimeoutMs } = this.#options;
      const counts = { size, borrowed: pool.totalCount - pool.idleCount, waiting: pool.waitingCount + 1 };
      return new PoolExhaustedError(name, 'pg', { ...counts, acquireTimeoutMs }, { cause: error });
    }
    if (pool.ending || error.message.startsWith('Cannot use a pool after calling end')) {
      return new PoolClosedError(name, 'pg', { cause: error });
    }
    const unresolved = unresolvedHostError(name, 'pg', error, pool.options.connectionString, pgUrls);
    if (unresolved !== undefined) return unresolved;
    return new PoolUnavailableError(
      name,
      'pg',
      'could not open a connection',
      'Check that the database is up and reachable; the next borrow tries again.',
      { cause: error },
    );
  }

  #releaseBorrowed(): void {
    for (const client of [...this.#borrowed]) {
      const release = client.release.bind(client);
      // The borrower may still call release() later; after this forced one it must be harmless.
      client.release = () => undefined;
      try {
        release(new Error('The pool was drained at shutdown while this connection was still borrowed.'));
      } catch {
        // Already released in the meantime: nothing left to do.
      }
    }
  }
}

type ClientClass = new (config: object) => { readonly host: unknown; readonly port: unknown };

// pg's own reading of the config (a Client only computes its parameters; given a connection it
// opens no socket) must agree with the early guess, or the early socket is dropped unused.
function earlyStream(pg: unknown, config: PoolConfig, early: EarlySocket): (() => Socket) | undefined {
  const Client = member(pg, 'Client') as ClientClass | undefined;
  const resolved = Client === undefined ? undefined : new Client({ ...config, connection: {} });
  if (resolved?.host !== early.target.host || Number(resolved.port) !== early.target.port) {
    early.dispose();
    return undefined;
  }
  // pg calls this for every client's connection; only the first gets the early socket.
  return () => {
    const socket = early.take();
    return socket === undefined ? new Socket() : adoptable(socket, early.target);
  };
}
