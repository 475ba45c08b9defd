// Shape (a) of benchmarks/shapes: a web handler reading Redis, then PostgreSQL, through two
// critical initializers; the pools' early connection switchable (early.mjs).
import { init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { databaseUrl, greetingKey, redisUrl } from '../../shapes/functions/connections.mjs';
import { earlyConnect } from './early.mjs';

const redis = init('redis', () => pools.redis('cache', { ...redisOptions(), earlyConnect }), {
  when: 'critical',
});
const db = init('postgres', () => pools.pg('main', { connectionString: databaseUrl, earlyConnect }), {
  when: 'critical',
});

function redisOptions() {
  const url = new URL(redisUrl);
  return { host: url.hostname, port: Number(url.port || 6379) };
}

serve(async (request) => {
  const greeting = (await (await redis()).get(greetingKey)) ?? 'Hello';
  const { rows } = await (
    await db()
  ).query('SELECT $1::text AS path, now() AS at', [new URL(request.url).pathname]);
  return Response.json({ greeting, path: rows[0].path, at: rows[0].at });
});
