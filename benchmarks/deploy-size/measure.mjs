// Deploy size per example: the production dependency closure (what `npm ci --omit=dev` installs
// for it) against the deploy folder `thaw slim` writes. The closure is measured here on its own,
// independently of slim's size report: from the example's package.json, every dependency,
// optional dependency and non-optional peer is resolved as Node resolves it, recursively, and
// its files counted (nested node_modules are packages of their own, counted once). Workspace
// packages count as npm would install them from the registry: the files `npm pack` puts in
// their tarball. Slim's own figure for the input is kept in the JSON for comparison.
//
// node benchmarks/deploy-size/measure.mjs [--json-file FILE] [--md-file FILE]
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../support/order-risk-deploys.mjs';

const here = import.meta.dirname;
const examples = ['hello', 'order-risk', 'express-wrap'];

function parseArgs(argv) {
  const out = { json: join(here, 'results', 'latest.json'), md: join(here, 'results', 'latest.md') };
  for (let index = 0; index < argv.length; index += 2) {
    const [flag, value] = [argv[index], argv[index + 1]];
    if ((flag !== '--json-file' && flag !== '--md-file') || value === undefined) {
      process.stderr.write(
        `Unknown argument "${flag}". Usage: measure.mjs [--json-file FILE] [--md-file FILE]\n`,
      );
      process.exit(2);
    }
    out[flag === '--json-file' ? 'json' : 'md'] = value;
  }
  return out;
}

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Files of a package folder, without its nested node_modules: [count, bytes]. */
function folderSize(dir) {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const [f, b] = folderSize(path);
      files += f;
      bytes += b;
    } else if (entry.isFile()) {
      files += 1;
      bytes += statSync(path).size;
    }
  }
  return [files, bytes];
}

/** A workspace package as its tarball would install it. */
function packedSize(dir) {
  const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: dir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const [pack] = JSON.parse(output);
  return [pack.entryCount, pack.files.reduce((sum, file) => sum + file.size, 0)];
}

/** Node's lookup of a package from a folder: the nearest node_modules/<name> up the tree. */
function resolvePackage(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

function productionDependencies(manifest) {
  const optionalPeers = manifest.peerDependenciesMeta ?? {};
  return [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}).filter((name) => optionalPeers[name]?.optional !== true),
  ];
}

/** The production closure of the package in `dir`: packages, files and bytes. */
export function productionClosure(dir) {
  const seen = new Map();
  const queue = productionDependencies(readJson(join(dir, 'package.json'))).map((name) => [name, dir]);
  while (queue.length > 0) {
    const [name, fromDir] = queue.shift();
    const found = resolvePackage(name, fromDir);
    if (found === null) continue; // an optional dependency not installed on this platform
    const real = realpathSync(found);
    if (seen.has(real)) continue;
    const workspace = !relative(repoRoot, real).startsWith('node_modules');
    seen.set(real, workspace ? packedSize(real) : folderSize(real));
    for (const dependency of productionDependencies(readJson(join(real, 'package.json')))) {
      queue.push([dependency, real]);
    }
  }
  let files = 0;
  let bytes = 0;
  for (const [f, b] of seen.values()) {
    files += f;
    bytes += b;
  }
  return { packages: seen.size, files, bytes };
}

const out = parseArgs(process.argv.slice(2));
const { slim } = await import('@thaw/slim');
const quiet = { info: () => undefined, warn: () => undefined };
const measured = [];
for (const name of examples) {
  const projectDir = join(repoRoot, 'examples', name);
  const manifest = readJson(join(projectDir, 'package.json'));
  const report = await slim({ projectDir, outDir: join(here, 'out', name), logger: quiet });
  const closure = productionClosure(projectDir);
  measured.push({
    name,
    entry: manifest.main,
    closure,
    slimInput: report.size.input,
    deploy: report.size.output,
    compileCache: report.manifest.compileCache !== null,
    ratio: Number((report.size.output.bytes / closure.bytes).toFixed(4)),
  });
  process.stdout.write(
    `${name}: closure ${closure.packages} packages, ${closure.files} files, ${closure.bytes} bytes; ` +
      `deploy folder ${report.size.output.files} files, ${report.size.output.bytes} bytes ` +
      `(${(100 * measured.at(-1).ratio).toFixed(1)}%)\n`,
  );
}

const result = {
  schema: 'thaw-deploy-size',
  version: 1,
  generatedAt: new Date().toISOString(),
  environment: {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
  },
  examples: measured,
};
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
const markdown = [
  '# Deploy size: production closure vs thaw slim',
  '',
  `${result.generatedAt.slice(0, 10)}, Node ${process.version}. Closure: what \`npm ci --omit=dev\` installs for the example (measured by this script); deploy folder: the runtime files \`thaw slim\` lists in \`thaw-slim.json\` (bundle, source maps, compile cache, traced \`node_modules\`).`,
  '',
  "| example | entry | closure packages | closure files | closure size | deploy files | deploy size | deploy ÷ closure | slim's own closure figure |",
  '| --- | --- | --: | --: | --: | --: | --: | --: | --: |',
  ...measured.map(
    (e) =>
      `| ${e.name} | \`${e.entry}\` | ${e.closure.packages} | ${e.closure.files} | ${mb(e.closure.bytes)} | ${e.deploy.files} | ${mb(e.deploy.bytes)} | ${(100 * e.ratio).toFixed(1)}% | ${mb(e.slimInput.bytes)} |`,
  ),
  '',
].join('\n');
mkdirSync(dirname(out.json), { recursive: true });
mkdirSync(dirname(out.md), { recursive: true });
writeFileSync(out.json, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(out.md, markdown);
