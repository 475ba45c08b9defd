// Baseline: a plain node:http function that opens a new PostgreSQL connection for every request,
// runs SELECT 1 and closes it, as handlers without a global pool do.
import { createServer } from 'node:http';
import pg from 'pg';

const connectionString = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const server = createServer((request, response) => {
  const client = new pg.Client({ connectionString });
  client.on('error', () => undefined);
  client
    .connect()
    .then(() => client.query('SELECT 1 AS one'))
    .then(
      ({ rows }) => {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(rows[0]));
      },
      (error) => {
        response.writeHead(500).end(String(error));
      },
    )
    .finally(() => client.end().catch(() => undefined));
});

server.listen(Number(process.env.PORT ?? 8080), '127.0.0.1');
process.once('SIGTERM', () => server.close());
