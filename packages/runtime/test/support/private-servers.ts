import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Private PostgreSQL and Redis servers for tests that stop, kill or restart their server: never
// the shared ones. Each runs as a child of the test process on a free loopback port and is
// reaped (by its own PID) on close, and again on exit if a test forgot.

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'));
        else resolve(address.port);
      });
    });
  });
}

/** A server process the test controls. */
export interface PrivateServer {
  readonly port: number;
  /** Connection URL (`postgres://…` or `redis://…`). */
  readonly url: string;
  /** Whether the server process is running. */
  readonly running: boolean;
  /** Starts it (again) on the same port with the same data. */
  start(): Promise<void>;
  /** Stops it cleanly (connections are closed by the server) and waits for the process to exit. */
  stop(): Promise<void>;
  stopAndStart(pauseMs?: number): Promise<void>;
  /** Stops it for good and removes its files. */
  close(): Promise<void>;
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`${what} did not come up within ${timeoutMs} ms. Its output:\n${log()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

class ManagedProcess implements PrivateServer {
  readonly port: number;
  readonly url: string;
  #child: ChildProcess | undefined;
  #output = '';
  readonly #launch: () => ChildProcess;
  readonly #ready: () => Promise<boolean>;
  readonly #stopSignal: NodeJS.Signals;
  readonly #cleanup: () => void;
  readonly #label: string;

  constructor(spec: {
    label: string;
    port: number;
    url: string;
    launch: () => ChildProcess;
    ready: () => Promise<boolean>;
    stopSignal: NodeJS.Signals;
    cleanup: () => void;
  }) {
    this.#label = spec.label;
    this.port = spec.port;
    this.url = spec.url;
    this.#launch = spec.launch;
    this.#ready = spec.ready;
    this.#stopSignal = spec.stopSignal;
    this.#cleanup = spec.cleanup;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  async start(): Promise<void> {
    if (this.#child !== undefined) return;
    const child = this.#launch();
    this.#child = child;
    children.add(child);
    const keep = (chunk: Buffer): void => {
      this.#output = (this.#output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', () => {
      children.delete(child);
      if (this.#child === child) this.#child = undefined;
    });
    await waitUntil(
      this.#label,
      async () => this.#child === child && (await this.#ready()),
      20_000,
      () => this.#output,
    );
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    child.kill(this.#stopSignal);
    await waitForExit(child, 10_000);
    this.#child = undefined;
  }

  async stopAndStart(pauseMs = 0): Promise<void> {
    await this.stop();
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    await this.start();
  }

  async close(): Promise<void> {
    await this.stop();
    this.#cleanup();
  }
}

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

/**
 * A fresh `redis-server` (no persistence) on a free port. With `cluster`, it runs in cluster mode
 * and the caller assigns the slots (`CLUSTER ADDSLOTSRANGE 0 16383` makes a one-node cluster).
 */
export async function startPrivateRedis(options: { cluster?: boolean } = {}): Promise<PrivateServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'thaw-redis-'));
  const clusterArgs =
    options.cluster === true
      ? [
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-announce-ip',
          '127.0.0.1',
        ]
      : [];
  const server = new ManagedProcess({
    label: 'private Redis',
    port,
    url: `redis://127.0.0.1:${port}`,
    launch: () =>
      spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          dir,
          ...clusterArgs,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      ),
    ready: () => accepts(port),
    stopSignal: 'SIGTERM',
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  });
  await server.start();
  return server;
}
