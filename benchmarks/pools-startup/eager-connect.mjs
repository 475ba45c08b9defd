// Baseline: the function opens its PostgreSQL pool and Redis client before it calls serve(), as
// code written for a long-lived server does. Both connect in parallel, the fairest eager form;
// the port opens only once both have answered.
import { serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';

const [db, redis] = await Promise.all([
  pools.pg('main', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
  pools.redis('cache', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'),
]);

serve(async () => {
  const { rows } = await db.query('SELECT 1 AS one');
  await redis.get('thaw:bench:pools-startup');
  return Response.json(rows[0]);
});
