// Checks that the PostgreSQL and Redis the integration tests use answer on loopback, and
// starts the machine's own servers when they do not (Debian's pg_ctlcluster and redis-server).
// Usable on its own: `node scripts/services.mjs` exits non-zero with the reason when a service
// cannot be reached or started.
import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

function listening(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

function endpoint(url, defaultPort) {
  const parsed = new URL(url);
  return { host: parsed.hostname || '127.0.0.1', port: parsed.port ? Number(parsed.port) : defaultPort };
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

const services = [
  {
    name: 'PostgreSQL',
    ...endpoint(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 5432),
    start() {
      if (!has('pg_ctlcluster'))
        return 'pg_ctlcluster is not installed; start PostgreSQL yourself or set DATABASE_URL';
      for (const version of readdirSync('/etc/postgresql')) {
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
          stdio: 'inherit',
        });
      }
      return undefined;
    },
  },
  {
    name: 'Redis',
    ...endpoint(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', 6379),
    start() {
      if (!has('redis-server')) return 'redis-server is not installed; start Redis yourself or set REDIS_URL';
      execFileSync(
        'redis-server',
        [
          '--daemonize',
          'yes',
          '--bind',
          '127.0.0.1',
          '-::1',
          '--port',
          String(this.port),
          '--save',
          '',
          '--appendonly',
          'no',
          '--dir',
          '/var/lib/redis',
          '--logfile',
          '/var/log/redis/ci.log',
        ],
        { stdio: 'inherit' },
      );
      return undefined;
    },
  },
];

/** Resolves with a list of problems; empty when every service answers. */
export async function ensureServices({ log = console.log } = {}) {
  const problems = [];
  for (const service of services) {
    if (await listening(service.host, service.port)) continue;
    const isLocal = service.host === '127.0.0.1' || service.host === 'localhost' || service.host === '::1';
    if (!isLocal) {
      problems.push(`${service.name} does not answer at ${service.host}:${service.port}`);
      continue;
    }
    log(`${service.name} does not answer at ${service.host}:${service.port}; starting it`);
    let reason;
    try {
      reason = service.start();
    } catch (error) {
      reason = `starting it failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (reason === undefined) {
      for (let i = 0; i < 50 && !(await listening(service.host, service.port)); i++) await sleep(200);
      if (await listening(service.host, service.port)) continue;
      reason = 'it was started but does not answer after 10 s';
    }
    problems.push(`${service.name} at ${service.host}:${service.port}: ${reason}`);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const problems = await ensureServices();
  for (const problem of problems) console.error(problem);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
