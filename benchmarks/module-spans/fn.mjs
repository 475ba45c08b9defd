// A DB-backed function: the pg pool is a critical initializer, and each request runs one query.
// The variants differ only in their environment: tracing on, with or without module-load spans.
import { init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';

const db = init(
  'postgres',
  () => pools.pg('main', process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'),
  { when: 'critical' },
);

serve(async () => {
  const { rows } = await (await db()).query('SELECT 1 AS one');
  return Response.json(rows[0]);
});
