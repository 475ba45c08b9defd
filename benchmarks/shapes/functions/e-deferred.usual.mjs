// (e) The same function the usual way: every connection, the report pool included, made before
// listening.
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { databaseUrl, greetingKey, redisUrl } from './connections.mjs';

const db = new pg.Pool({ connectionString: databaseUrl });
const reports = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const cache = new Redis(redisUrl);
await Promise.all([db.query('SELECT 1'), reports.query('SELECT 1'), cache.get(greetingKey)]);

createServer(async (req, res) => {
  const body =
    req.url === '/report'
      ? (await reports.query('SELECT count(*)::int AS tables FROM pg_catalog.pg_tables')).rows[0]
      : { at: (await db.query('SELECT now() AS at')).rows[0].at, cache: 'ready' };
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
