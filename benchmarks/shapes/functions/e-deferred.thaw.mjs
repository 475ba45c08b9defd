// (e) A function with a critical init (PostgreSQL), a background one (Redis, connected right after
// ready) and an on-demand one (a second pool for reports, opened by the first /report request).
import { init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { databaseUrl, greetingKey, redisUrl } from './connections.mjs';

const db = init('postgres', () => pools.pg('main', { connectionString: databaseUrl }), { when: 'critical' });
const cache = init('redis', () => pools.redis('cache', redisUrl), { when: 'background' });
const reports = init('reports', () => pools.pg('reports', { connectionString: databaseUrl, max: 2 }), {
  when: 'on-demand',
});

serve(async (request) => {
  if (new URL(request.url).pathname === '/report') {
    const { rows } = await (
      await reports()
    ).query('SELECT count(*)::int AS tables FROM pg_catalog.pg_tables');
    return Response.json(rows[0]);
  }
  const { rows } = await (await db()).query('SELECT now() AS at');
  const status = ctxCacheStatus();
  return Response.json({ at: rows[0].at, cache: status });
});

// The background cache is used when it is there; the first response does not wait for it.
let cacheClient;
void cache().then(async (client) => {
  cacheClient = client;
  await client.get(greetingKey);
});
function ctxCacheStatus() {
  return cacheClient === undefined ? 'warming' : 'ready';
}
