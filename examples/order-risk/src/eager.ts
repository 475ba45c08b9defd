// The usual way, part two: connect to PostgreSQL and Redis, then listen. Nothing answers until
// every connection is up, and the platform's TCP probe calls the pod ready the moment it listens.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { CloudEvent, HTTP } from 'cloudevents';
import { Redis } from 'ioredis';
import pg from 'pg';
import { handleOrderCreated, UnsupportedEventError } from './handle-order.ts';
import { InvalidOrderError } from './order-event.ts';

const pool = new pg.Pool({
  connectionString: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
});
const redis = new Redis(process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379');
await pool.query('SELECT 1');
await redis.ping();

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const event = HTTP.toEvent({ headers: req.headers, body: await readBody(req) });
    if (Array.isArray(event)) throw new UnsupportedEventError('batch');
    const reply = HTTP.binary(new CloudEvent({ ...(await handleOrderCreated(event, pool, redis)) }));
    res.writeHead(200, reply.headers as Record<string, string>).end(reply.body as string);
  } catch (error) {
    const known =
      error instanceof InvalidOrderError ||
      error instanceof UnsupportedEventError ||
      (error as Error).name === 'ValidationError';
    res
      .writeHead(known ? 400 : 500, { 'content-type': 'text/plain' })
      .end(known ? (error as Error).message : 'internal error');
    if (!known) console.error(error);
  }
}

createServer((req, res) => {
  void handle(req, res);
}).listen(Number(process.env['PORT'] ?? 8080));
