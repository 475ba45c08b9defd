import { genericPool } from './generic-pool.ts';
import { pgPool } from './pg-pool.ts';
import { redisClient } from './redis-client.ts';
import { poolNames } from './registry.ts';

/**
 * The process-wide pools, one per name, shared by every copy of `@thaw/runtime` in the process.
 * Each function loads its client library on first use only. To drain them all (in scripts and
 * tests; `serve()` does it on shutdown), call `drainPools()`; to close one, `closePool(name)`.
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
} as const;
