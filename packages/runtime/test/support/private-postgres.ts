import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accepts, freePort, ManagedProcess, type PrivateServer } from './private-server.ts';

/** The directory of PostgreSQL's server binaries: `PG_BIN`, `pg_config --bindir`, or the newest under /usr/lib/postgresql. */
function postgresBin(): string {
  const fromEnv = process.env['PG_BIN'];
  if (fromEnv !== undefined && existsSync(join(fromEnv, 'initdb'))) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((version) => existsSync(join(root, version, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  try {
    const bin = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(bin, 'initdb'))) return bin;
  } catch {
    // Fall through to the error below.
  }
  throw new Error(
    'No PostgreSQL server binaries found: set PG_BIN to the directory holding initdb and postgres.',
  );
}

/** PostgreSQL refuses to run as root; as root, the private server runs as `postgres` (or `nobody`). */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // Try the next one.
    }
  }
  throw new Error('Running as root with neither a "postgres" nor a "nobody" user to run PostgreSQL as.');
}

/**
 * A fresh PostgreSQL cluster (`initdb`, trust auth, user `postgres`, fsync off) on a free port.
 * `url` points at its `postgres` database.
 */
export async function startPrivatePostgres(): Promise<PrivateServer> {
  const bin = postgresBin();
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'thaw-pg-'));
  if (user !== undefined) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  execFileSync(
    join(bin, 'initdb'),
    ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '-N'],
    {
      stdio: 'pipe',
      ...(user ?? {}),
    },
  );
  const port = await freePort();
  const { default: pg } = await import('pg');
  const server = new ManagedProcess({
    label: 'private PostgreSQL',
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    launch: () =>
      spawn(
        join(bin, 'postgres'),
        [
          '-D',
          data,
          '-p',
          String(port),
          '-k',
          dir,
          '-c',
          'listen_addresses=127.0.0.1',
          '-c',
          'fsync=off',
          '-c',
          'max_connections=60',
        ],
        { stdio: ['ignore', 'pipe', 'pipe'], ...(user ?? {}) },
      ),
    ready: async () => {
      if (!(await accepts(port))) return false;
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      } finally {
        await client.end().catch(() => undefined);
      }
    },
    // SIGINT is PostgreSQL's fast shutdown: it closes every connection and exits.
    stopSignal: 'SIGINT',
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  });
  await server.start();
  return server;
}
