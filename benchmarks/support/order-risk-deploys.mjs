// Builds what the order-risk benchmarks start: the example compiled (tsc), its schema migrated,
// and deploy folders slimmed from its entries. A folder is rebuilt only when its inputs changed
// (the compiled example and runtime, the options, the Node version), so every topic's prepare
// script and the demo can ask for the folders they need without paying for them twice.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { packageDists, repoRoot, slimIfChanged } from './stamped-slim.mjs';

export { repoRoot };
export const orderRiskDir = join(repoRoot, 'examples', 'order-risk');

/**
 * The deploy folders, by name. `eager` and `eager-otel` are the usual way bundled: the app and its
 * OpenTelemetry preload, each slimmed on its own. pg and ioredis are kept loadable by `require`
 * in the app's bundle (the preload's instrumentations are in the other bundle, so slim cannot see
 * them there), as a careful user marks them external, so that the preload's require hook can patch them.
 */
export const deployVariants = {
  thaw: { entry: 'dist/thaw.js', compileCache: true },
  'thaw-no-cache': { entry: 'dist/thaw.js', compileCache: false },
  eager: { entry: 'dist/eager.js', compileCache: false, instrumentedPackages: ['pg', 'pg-pool', 'ioredis'] },
  'eager-cache': {
    entry: 'dist/eager.js',
    compileCache: true,
    instrumentedPackages: ['pg', 'pg-pool', 'ioredis'],
  },
  'eager-otel': { entry: 'dist/eager-otel.js', compileCache: false },
};

function run(command, args, what) {
  const result = spawnSync(command, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(
      `${what} failed (exit ${result.status ?? result.signal}):\n${(result.stderr || result.stdout).slice(-2000)}`,
    );
  }
  return result.stdout;
}

/** Compiles the runtime, slim and the example (Nx caches an unchanged build). */
export function buildOrderRisk() {
  run(
    process.execPath,
    [
      join(repoRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'),
      'run-many',
      '-t',
      'build',
      '--output-style=static',
    ],
    'Building the packages and examples',
  );
}

/** Applies order-risk's migrations to DATABASE_URL; resolves with what it printed. */
export function migrateOrderRisk() {
  return run(
    process.execPath,
    [join(orderRiskDir, 'dist', 'migrate-cli.js')],
    'Migrating the order-risk schema',
  ).trim();
}

/**
 * Slims the named variants of order-risk into `<outRoot>/<name>`, skipping a folder whose inputs
 * have not changed. Resolves with `{ name: { outDir, size, rebuilt } }`; `size` is slim's size
 * report (input closure vs deploy folder).
 */
export async function slimOrderRisk(outRoot, names) {
  const results = {};
  for (const name of names) {
    const options = deployVariants[name];
    if (options === undefined) throw new Error(`Unknown order-risk deploy variant "${name}".`);
    const inputs = [join(orderRiskDir, 'dist'), ...packageDists];
    results[name] = await slimIfChanged(orderRiskDir, join(outRoot, name), options, inputs);
  }
  return results;
}

/**
 * What every order-risk topic's prepare.mjs does: checks PostgreSQL and Redis (exit 1 naming the
 * missing one and how to start it), builds, migrates, and slims `shared` into
 * `benchmarks/order-risk/out` and `own` into `<topicDir>/out`.
 */
export async function prepareOrderRiskTopic(topicDir, { shared = [], own = [] }) {
  const { exitUnlessServices } = await import('./services.mjs');
  await exitUnlessServices('order-risk');
  buildOrderRisk();
  process.stdout.write(`order-risk schema: ${migrateOrderRisk()}\n`);
  const built = {
    ...(await slimOrderRisk(join(repoRoot, 'benchmarks', 'order-risk', 'out'), shared)),
    ...(await slimOrderRisk(join(topicDir, 'out'), own)),
  };
  for (const [name, { rebuilt, size }] of Object.entries(built)) {
    process.stdout.write(
      `${name}: ${rebuilt ? 'slimmed' : 'up to date'}, ${size.output.files} files, ${size.output.bytes} bytes\n`,
    );
  }
}
