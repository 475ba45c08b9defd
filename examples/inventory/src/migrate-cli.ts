// `npm run migrate`: applies the schema to DATABASE_URL.
import pg from 'pg';
import { migrate } from './migrate.ts';

const client = new pg.Client({
  connectionString: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
});
try {
  await client.connect();
  const applied = await migrate(client);
  console.log(applied.length === 0 ? 'schema is up to date' : `applied ${applied.join(', ')}`);
} finally {
  await client.end();
}
