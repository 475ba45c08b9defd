// (a) The same handler the usual way: Redis and PostgreSQL connected before listening, a plain
// node:http server turning requests into web Request/Response (OpenTelemetry comes from the
// --import preload, started first).
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import pg from 'pg';
import { databaseUrl, greetingKey, redisUrl } from './connections.mjs';

const redis = new Redis(redisUrl);
const db = new pg.Pool({ connectionString: databaseUrl });
await Promise.all([redis.ping(), db.query('SELECT 1')]);

const handler = async (request) => {
  const greeting = (await redis.get(greetingKey)) ?? 'Hello';
  const { rows } = await db.query('SELECT $1::text AS path, now() AS at', [new URL(request.url).pathname]);
  return Response.json({ greeting, path: rows[0].path, at: rows[0].at });
};

createServer(async (req, res) => {
  const response = await handler(new Request(`http://${req.headers.host}${req.url}`, { method: req.method }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}).listen(Number(process.env.PORT ?? '8080'), '0.0.0.0');
