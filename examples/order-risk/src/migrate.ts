// Applies the SQL files in ../migrations in name order, each once, recorded in a table of its
// own. Safe to run from several processes at once: an advisory lock serializes them.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Queryable } from './assess.ts';

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));
const lockId = 7_305_117;

/**
 * Applies pending migrations over one connection (a `pg.Client`, or a client checked out of a
 * pool: the lock and the transactions need a single session). Resolves with the names applied.
 */
export async function migrate(db: Queryable): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  await db.query('SELECT pg_advisory_lock($1)', [lockId]);
  try {
    await db.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((row) => row.name),
    );
    for (const name of files) {
      if (done.has(name)) continue;
      const sql = await readFile(`${migrationsDir}${name}`, 'utf8');
      await db.query('BEGIN');
      try {
        await db.query(sql);
        await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw new Error(
          `Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
      applied.push(name);
    }
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [lockId]);
  }
  return applied;
}
