// Deploy size per example, measured as a user has the function: the workspace packages it
// depends on are packed (`npm pack`), the example's built files and a package.json that names
// those tarballs are copied into a scratch folder outside the repository, and
// `npm install --omit=dev` installs its production dependencies there. The closure is every file
// that install put in node_modules (nothing hoisted from the workspace is reachable, such as the
// OpenTelemetry SDK the runtime's tests use). `thaw slim` then slims that scratch project; its
// deploy folder is reported per image layer: the shared tracing layer (the same bytes for every
// function built with this thaw version, pulled once per node) apart from the dependencies and
// app layers, which are the function's own. Source maps written beside the bundle but not
// shipped (see packages/slim/README.md, "Source maps") are reported apart.
//
// node benchmarks/deploy-size/measure.mjs [--json-file FILE] [--md-file FILE]
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { repoRoot } from '../support/order-risk-deploys.mjs';

const here = import.meta.dirname;
/** Each example, and the target its bytes unique to the function are held to. */
const examples = [
  { name: 'hello', kind: 'small', targetRatio: 1.2 },
  { name: 'express-wrap', kind: 'small', targetRatio: 1.2 },
  { name: 'inventory', kind: 'small pg', targetRatio: 1.2 },
  { name: 'order-risk', kind: 'typical', targetRatio: 0.1 },
];

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

/** Every file under a folder: [count, bytes]. */
function treeSize(dir) {
  let files = 0;
  let bytes = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const [f, b] = treeSize(path);
      files += f;
      bytes += b;
    } else if (entry.isFile()) {
      files += 1;
      bytes += statSync(path).size;
    }
  }
  return [files, bytes];
}

/** Package folders under a node_modules tree (scoped and nested ones included). */
function countPackages(nodeModules) {
  let count = 0;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(nodeModules, entry.name);
    const packages = entry.name.startsWith('@')
      ? readdirSync(path, { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(path, e.name))
      : [path];
    for (const pkg of packages) {
      if (existsSync(join(pkg, 'package.json'))) count += 1;
      if (existsSync(join(pkg, 'node_modules'))) count += countPackages(join(pkg, 'node_modules'));
    }
  }
  return count;
}

/** The production closure a user's install has: what npm put in node_modules. */
export function installedClosure(projectDir) {
  const nodeModules = join(projectDir, 'node_modules');
  if (!existsSync(nodeModules)) return { packages: 0, files: 0, bytes: 0 };
  const [files, bytes] = treeSize(nodeModules);
  // npm's own bookkeeping is not part of any package.
  const lock = join(nodeModules, '.package-lock.json');
  const lockBytes = existsSync(lock) ? statSync(lock).size : 0;
  return {
    packages: countPackages(nodeModules),
    files: files - (lockBytes > 0 ? 1 : 0),
    bytes: bytes - lockBytes,
  };
}

/** name → folder of every workspace package. */
function workspacePackages() {
  const found = new Map();
  for (const pattern of readJson(join(repoRoot, 'package.json')).workspaces) {
    const dirs = pattern.endsWith('/*')
      ? readdirSync(join(repoRoot, pattern.slice(0, -2)), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => join(repoRoot, pattern.slice(0, -2), e.name))
      : [join(repoRoot, pattern)];
    for (const dir of dirs) {
      if (existsSync(join(dir, 'package.json'))) found.set(readJson(join(dir, 'package.json')).name, dir);
    }
  }
  return found;
}

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Packs a workspace package into `into` once; returns the tarball's path. */
function packOnce(dir, into, packed) {
  if (!packed.has(dir)) {
    const [pack] = JSON.parse(
      run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', into], dir),
    );
    packed.set(dir, join(into, pack.filename));
  }
  return packed.get(dir);
}

/** The example as a user has it: its built files and its production install, outside the repository. */
function scratchProject(name, scratch, workspace, packed) {
  const source = join(repoRoot, 'examples', name);
  const manifest = readJson(join(source, 'package.json'));
  const dir = join(scratch, name);
  mkdirSync(dir, { recursive: true });
  const dependencies = {};
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    dependencies[dep] = workspace.has(dep) ? `file:${packOnce(workspace.get(dep), scratch, packed)}` : range;
  }
  const { devDependencies: _dev, scripts: _scripts, ...rest } = manifest;
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify({ ...rest, dependencies }, null, 2)}\n`);
  const built = dirname(join(source, manifest.main));
  cpSync(built, join(dir, dirname(manifest.main)), { recursive: true });
  run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    dir,
  );
  return { dir, manifest };
}

const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
const pct = (ratio) => `${(100 * ratio).toFixed(1)}%`;

const out = parseArgs(process.argv.slice(2));
const { slim } = await import('@thaw/slim');
const quiet = { info: () => undefined, warn: () => undefined };
const scratch = mkdtempSync(join(tmpdir(), 'thaw-deploy-size-'));
const workspace = workspacePackages();
const packed = new Map();
const measured = [];
const loadAtStart = loadavg()[0];
try {
  for (const example of examples) {
    const { dir, manifest } = scratchProject(example.name, scratch, workspace, packed);
    const outDir = join(here, 'out', example.name);
    const report = await slim({ projectDir: dir, outDir, logger: quiet });
    const closure = installedClosure(dir);
    const layer = (role) => report.size.layers.find((l) => l.layer === role) ?? { files: 0, bytes: 0 };
    const listed = new Set(report.manifest.files.map((f) => f.path));
    const mapsBeside = readdirSync(outDir, { recursive: true })
      .filter((path) => path.endsWith('.map') && !listed.has(path))
      .reduce((sum, path) => sum + statSync(join(outDir, path)).size, 0);
    const compileCacheBytes = report.manifest.files
      .filter((f) => f.path.startsWith('compile-cache/'))
      .reduce((sum, f) => sum + f.size, 0);
    const uniqueRatio = report.size.uniqueBytes / closure.bytes;
    measured.push({
      name: example.name,
      kind: example.kind,
      entry: manifest.main,
      closure,
      slimInput: report.size.input,
      deploy: report.size.output,
      layers: {
        tracing: layer('tracing'),
        dependencies: layer('dependencies'),
        app: layer('app'),
      },
      tracingDir: report.manifest.files.find((f) => f.layer === 'tracing')?.path.split('/')[0] ?? null,
      uniqueBytes: report.size.uniqueBytes,
      compileCacheBytes,
      sourceMapsBesideBytes: mapsBeside,
      ratio: Number((report.size.output.bytes / closure.bytes).toFixed(4)),
      uniqueRatio: Number(uniqueRatio.toFixed(4)),
      targetRatio: example.targetRatio,
      targetMet: uniqueRatio <= example.targetRatio,
    });
    const m = measured.at(-1);
    process.stdout.write(
      `${example.name}: closure ${closure.packages} packages, ${closure.files} files, ${mb(closure.bytes)}; ` +
        `unique ${mb(m.uniqueBytes)} (${pct(m.uniqueRatio)}, target ≤ ${pct(m.targetRatio)}), ` +
        `shared tracing layer ${mb(m.layers.tracing.bytes)}\n`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const result = {
  schema: 'thaw-deploy-size',
  version: 2,
  generatedAt: new Date().toISOString(),
  environment: {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAtStart: Number(loadAtStart.toFixed(2)),
  },
  examples: measured,
};
const markdown = [
  '# Deploy size: production closure vs thaw slim',
  '',
  `${result.generatedAt.slice(0, 10)}, Node ${process.version}. Closure: what \`npm install --omit=dev\` put in \`node_modules\` for the example installed from packed tarballs in a scratch folder outside the repository. Deploy folder: the runtime files \`thaw slim\` lists in \`thaw-slim.json\`, by image layer. Unique: the dependencies and app layers (the function's own); the tracing layer is shared by every function built with the same thaw version.`,
  '',
  '| example | closure | tracing layer (shared) | dependencies layer | app layer | unique ÷ closure | target | met | source maps beside, not shipped |',
  '| --- | --: | --: | --: | --: | --: | --: | --- | --: |',
  ...measured.map(
    (e) =>
      `| ${e.name} (${e.kind}) | ${e.closure.packages} packages, ${mb(e.closure.bytes)} | ${mb(e.layers.tracing.bytes)} | ${mb(e.layers.dependencies.bytes)} | ${mb(e.layers.app.bytes)} | ${pct(e.uniqueRatio)} | ≤ ${pct(e.targetRatio)} | ${e.targetMet ? 'yes' : 'no'} | ${mb(e.sourceMapsBesideBytes)} |`,
  ),
  '',
  `Tracing layer folder: \`${measured.find((e) => e.tracingDir !== null)?.tracingDir ?? 'none'}\` (${new Set(measured.map((e) => e.tracingDir)).size === 1 ? 'the same in every example' : 'differs between examples'}).`,
  '',
].join('\n');
mkdirSync(dirname(out.json), { recursive: true });
mkdirSync(dirname(out.md), { recursive: true });
writeFileSync(out.json, `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(out.md, markdown);
