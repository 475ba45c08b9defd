// Applies the SQL files in ../migrations in name order, each once, recorded in
// `inventory_migrations`. An advisory lock serializes replicas that start at the same time.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { ClientBase } from 'pg';

const migrationsDir = fileURLToPath(new URL('../migrations/', import.meta.url));
const lockId = 7_305_118;

/** Applies pending migrations over one session; resolves with the names applied. */
export async function migrate(db: Pick<ClientBase, 'query'>): Promise<string[]> {
  const files = (await readdir(migrationsDir)).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  await db.query('SELECT pg_advisory_lock($1)', [lockId]);
  try {
    await db.query(
      'CREATE TABLE IF NOT EXISTS inventory_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = new Set(
      (await db.query<{ name: string }>('SELECT name FROM inventory_migrations')).rows.map((row) => row.name),
    );
    for (const name of files.filter((file) => !done.has(file))) {
      const sql = await readFile(`${migrationsDir}${name}`, 'utf8');
      await db.query('BEGIN');
      try {
        await db.query(sql);
        await db.query('INSERT INTO inventory_migrations (name) VALUES ($1)', [name]);
        await db.query('COMMIT');
      } catch (error) {
        await db.query('ROLLBACK');
        throw new Error(
          `Migration ${name} failed: ${error instanceof Error ? error.message : String(error)}`,
          {
            cause: error,
          },
        );
      }
      applied.push(name);
    }
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [lockId]);
  }
  return applied;
}
