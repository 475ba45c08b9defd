// (a) A web-standard handler that reads Redis, then PostgreSQL, each through a critical
// initializer: the thaw way (readiness waits for both connections, the port does not).
import { init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { databaseUrl, greetingKey, redisUrl } from './connections.mjs';

const redis = init('redis', () => pools.redis('cache', redisUrl), { when: 'critical' });
const db = init('postgres', () => pools.pg('main', { connectionString: databaseUrl }), { when: 'critical' });

serve(async (request) => {
  const greeting = (await (await redis()).get(greetingKey)) ?? 'Hello';
  const { rows } = await (
    await db()
  ).query('SELECT $1::text AS path, now() AS at', [new URL(request.url).pathname]);
  return Response.json({ greeting, path: rows[0].path, at: rows[0].at });
});
