import pg from 'pg';
import { migrate } from '../../src/migrate.ts';

export const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/** A PostgreSQL schema of its own for one test run, migrated, and a `DATABASE_URL` that uses it. */
export interface ScratchSchema {
  readonly name: string;
  /** `DATABASE_URL` whose sessions have `search_path` set to this schema. */
  readonly url: string;
  readonly pool: pg.Pool;
  drop(): Promise<void>;
}

/** Adds `-c search_path=<schema>` to a connection string as pg's `options` parameter. */
export function withSearchPath(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/**
 * Creates schema `name`, runs the example's migrations in it over a single client, as
 * `npm run migrate` does, and returns a pool bound to it.
 */
export async function createScratchSchema(name: string): Promise<ScratchSchema> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end();
  }
  const url = withSearchPath(databaseUrl, name);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const current = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
    if (current.rows[0]?.schema !== name) {
      throw new Error(`search_path did not apply: the session's schema is ${current.rows[0]?.schema}`);
    }
    await migrate(client);
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  return {
    name,
    url,
    pool,
    drop: async () => {
      await pool.query(`DROP SCHEMA ${name} CASCADE`);
      await pool.end();
    },
  };
}
