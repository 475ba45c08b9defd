// @thaw/runtime/pools: process-wide pools for pg, ioredis and generic-pool. Named re-exports only;
// the client libraries load on first use.
export { pools } from './pools.ts';
export { pgPool, defaultPgPoolOptions } from './pg-pool.ts';
export type { PgPoolConfig, PgPoolOptions } from './pg-pool.ts';
export { redisClient } from './redis-client.ts';
export type { RedisClientConfig, RedisClusterConfig } from './redis-client.ts';
export { defaultRedisClientOptions } from './redis-options.ts';
export type { RedisClientOptions } from './redis-options.ts';
export { genericPool, defaultGenericPoolOptions } from './generic-pool.ts';
export type { GenericPoolOptions } from './generic-pool.ts';
export { drainPools, closePool, poolNames, statsKeyOf } from './registry.ts';
export { defaultPoolOptions, consoleLogger } from './pool-options.ts';
export type { PoolOptions, PoolLogger } from './pool-options.ts';
export type { PoolCloseReport } from './managed-pool.ts';
export type { PoolGauges } from './pool-adapter.ts';
export {
  PoolClosedError,
  PoolExhaustedError,
  PoolExistsError,
  PoolHostUnresolvedError,
  PoolLeakError,
  PoolNotFoundError,
  PoolUnavailableError,
} from './pool-errors.ts';
export type { PoolKind } from './pool-errors.ts';
