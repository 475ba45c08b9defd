// The same function the thaw way: the pool and the client are critical initializers, so the port
// opens at once and readiness (/readyz) turns 200 when both have answered.
import { init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';

const db = init(
  'postgres',
  () => pools.pg('main', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
  { when: 'critical' },
);
const redis = init('redis', () => pools.redis('cache', process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'), {
  when: 'critical',
});

serve(async () => {
  const { rows } = await (await db()).query('SELECT 1 AS one');
  await (await redis()).get('thaw:bench:pools-startup');
  return Response.json(rows[0]);
});
