// Installs the peer servers this benchmark compares thaw with (Hono's node server, Fastify,
// Express; the load generator is wrk, a Debian package), from this folder's own package-lock.json, into this folder's node_modules: they are dependencies of the benchmark
// only, never of the workspace (the root lock does not know them). Skipped when the installed
// tree already matches the lock.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const here = import.meta.dirname;
const lock = join(here, 'package-lock.json');
const installedLock = join(here, 'node_modules', '.package-lock.json');

function installed() {
  if (!existsSync(installedLock)) return false;
  const wanted = JSON.parse(readFileSync(lock, 'utf8')).packages;
  const have = JSON.parse(readFileSync(installedLock, 'utf8')).packages;
  return Object.entries(wanted).every(
    ([path, entry]) => path === '' || have[path]?.version === entry.version,
  );
}

if (installed()) {
  process.stdout.write('peer servers: installed\n');
} else {
  const result = spawnSync(
    'npm',
    ['ci', '--prefix', here, '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'],
    { stdio: 'inherit' },
  );
  if (result.status !== 0) {
    process.stderr.write(
      `Installing the peer servers failed (npm ci exit ${result.status ?? result.signal}). ` +
        'They come from the npm registry: check the network, then run this script again.\n',
    );
    process.exit(1);
  }
  process.stdout.write('peer servers: installed from package-lock.json\n');
}

// The load generator: wrk from Debian (`.ci/run` installs it with the other packages the tests use).
const wrk = spawnSync('wrk', ['--version'], { encoding: 'utf8' });
if (wrk.error !== undefined) {
  process.stderr.write('wrk is not installed; install the Debian package "wrk" (apt-get install wrk).\n');
  process.exit(1);
}
