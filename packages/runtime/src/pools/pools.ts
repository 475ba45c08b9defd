import { genericPool } from './generic-pool.ts';
import { pgPool } from './pg-pool.ts';
import { redisClient } from './redis-client.ts';
import { closePool, drainPools, poolNames } from './registry.ts';

/**
 * The process-wide pools, one per name, shared by every copy of `@thaw/runtime` in the process.
 * Each function loads its client library on first use only.
 *
 * @example
 * ```ts
 * import { pools } from '@thaw/runtime/pools';
 *
 * const db = await pools.pg('main', { connectionString: process.env.DATABASE_URL });
 * const cache = await pools.redis('cache', 'redis://127.0.0.1:6379');
 * const { rows } = await db.query('SELECT 1 AS one');
 * ```
 */
export const pools = {
  pg: pgPool,
  redis: redisClient,
  generic: genericPool,
  names: poolNames,
  close: closePool,
  drain: drainPools,
} as const;

/**
 * Drains every pool, newest first, each bounded by its `drainTimeoutMs` (same as `drainPools()`).
 * `serve()` does this on shutdown; call it yourself in scripts, tests and other servers.
 *
 * @example
 * ```ts
 * afterAll(() => closeAll());
 * ```
 */
export function closeAll(): Promise<void> {
  return drainPools().then(() => undefined);
}
