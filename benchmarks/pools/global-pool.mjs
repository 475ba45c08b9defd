// The same function through thaw's process-wide pool: the pool is created (and checked) on the
// first request and reused by every later one.
import { createServer } from 'node:http';
import { drainPools, pools } from '@thaw/runtime/pools';

const config = { connectionString: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test' };

const server = createServer((request, response) => {
  pools
    .pg('main', config)
    .then((db) => db.query('SELECT 1 AS one'))
    .then(
      ({ rows }) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]));
      },
      (error) => {
        response.writeHead(500).end(String(error));
      },
    );
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
process.once('SIGTERM', () => {
  server.close();
  void drainPools();
});
