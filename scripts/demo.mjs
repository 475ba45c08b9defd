// `npm run demo`: the cold-start demo, on a fresh machine after `npm ci`.
//
// Builds the packages and examples, migrates order-risk's schema, slims order-risk, then runs
// `thaw bench` with interleaved runs of order-risk the usual way (eager, unbundled), the usual
// way bundled, and thaw slimmed, each timed from spawn to its first DB-backed response. Prints
// the table, the verdicts and the size report, and writes a Markdown report and an SVG chart
// into .thaw-demo/. With podman, runc, buildah, skopeo and docker-registry installed it then runs
// the same function's images (bare hello, eager, thaw) in containers under 500m CPU / 128Mi through
// the emulated Knative path, 2 rounds (else it says what to install and where the committed
// figures are). Without PostgreSQL or Redis it says which is missing and how to start it,
// and compares the hello function instead (bare node:http against thaw), exiting 0.
//
// node scripts/demo.mjs [--runs N]   (default 20 measured runs per variant)
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const repoRoot = join(import.meta.dirname, '..');
const demoDir = join(repoRoot, '.thaw-demo');
const thawCli = join(repoRoot, 'packages', 'cli', 'dist', 'main.js');
const started = performance.now();

function parseRuns(argv) {
  if (argv.length === 0) return 20;
  const runs = Number(argv[1]);
  if (argv[0] !== '--runs' || argv.length !== 2 || !Number.isInteger(runs) || runs < 1) {
    process.stderr.write(`Usage: npm run demo [-- --runs N]; received "${argv.join(' ')}".\n`);
    process.exit(2);
  }
  return runs;
}

const runs = parseRuns(process.argv.slice(2));
const say = (text = '') => process.stdout.write(`${text}\n`);
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0)} s`;

/** Runs a child; resolves with its exit code and what it wrote to stdout (stderr passes through). */
function run(command, args, { capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', (error) => {
      resolve({ code: 1, stdout: `Could not start ${command}: ${error.message}` });
    });
    child.once('close', (code) => {
      resolve({ code: code ?? 1, stdout });
    });
  });
}

// The harness prints many tables; the demo shows the ones a first look needs.
const wantedSections = [
  'cold start',
  'first response',
  'RSS at ready',
  'Medians per phase',
  'Verdicts',
  'Failed runs',
];
function keyTables(output) {
  return output
    .split(/\n\s*\n/)
    .filter((block) => wantedSections.some((title) => block.trimStart().startsWith(title)))
    .map((block) => block.replace(/^Wrote .*$\n?/gm, '').trimEnd())
    .join('\n\n');
}

async function bench(name, args) {
  const base = join(demoDir, name);
  const { code, stdout } = await run(
    process.execPath,
    [
      thawCli,
      'bench',
      ...args,
      '--runs',
      String(runs),
      '--json-file',
      `${base}.json`,
      '--md-file',
      `${base}.md`,
      '--svg-file',
      `${base}.svg`,
    ],
    { capture: true },
  );
  say(keyTables(stdout));
  if (code === 2) {
    say(stdout);
    throw new Error('thaw bench refused its arguments (above).');
  }
  return { code, files: ['md', 'svg', 'json'].map((ext) => relative(repoRoot, `${base}.${ext}`)) };
}

function printFiles(files) {
  say();
  say('Written:');
  say(`  Markdown report  ${files[0]}`);
  say(`  SVG chart        ${files[1]}`);
  say(`  raw results      ${files[2]}   (thaw bench report ${files[2]} renders it again)`);
}

async function orderRiskDemo({ migrateOrderRisk, slimOrderRisk }) {
  say(`Migrating order-risk's schema … ${migrateOrderRisk()}`);
  say('Slimming order-risk (eager bundle + its OpenTelemetry preload, and thaw) …');
  const deploys = await slimOrderRisk(join(repoRoot, 'benchmarks', 'order-risk', 'out'), [
    'thaw',
    'eager',
    'eager-otel',
  ]);
  say(`  done (${elapsed()})`);
  say();
  say(`order-risk, spawn → first DB-backed response (a POST of a binary-mode OrderCreated CloudEvent),`);
  say(`${runs} interleaved runs per variant; eager-unbundled is how the function is usually started:`);
  say(
    '  eager-unbundled  node --import ./dist/eager-otel.js dist/eager.js   (OpenTelemetry SDK first, connect, then listen)',
  );
  say('  eager-bundled    the same two entries bundled');
  say(
    '  thaw-slimmed     thaw slim of dist/thaw.js: listen first, critical init, deferred tracing, compile cache',
  );
  say("  hello-node-http  for reference, the floor: Knative's hello-world on bare node:http, no database");
  say();
  const result = await bench('order-risk', [
    join('benchmarks', 'order-risk', 'thaw.bench.json'),
    '--warmup',
    '1',
    '--quiet',
  ]);
  const { formatSizeReport } = await import('@thaw/slim');
  say();
  say('Size: the production closure (npm ci --omit=dev) against the thaw deploy folder');
  say(formatSizeReport(deploys.thaw.size).trimEnd());
  printFiles(result.files);
  return result.code;
}

async function helloDemo() {
  const { slim, formatSizeReport } = await import('@thaw/slim');
  const deploy = join(demoDir, 'out', 'hello');
  const report = await slim({
    projectDir: join(repoRoot, 'examples', 'hello'),
    outDir: deploy,
    logger: { info: () => undefined, warn: () => undefined },
  });
  say();
  say(`hello, spawn → first 200, ${runs} interleaved runs per variant:`);
  say("  node-http     Knative's hello-world on bare node:http");
  say('  thaw          the hello example through @thaw/runtime');
  say('  thaw-slimmed  the same, slimmed by thaw slim (bundle + compile cache)');
  say();
  // A bench file rather than the quick form: only the slimmed variant gets its compile cache.
  const benchFile = join(demoDir, 'hello.bench.json');
  const variant = (name, command, env = {}) => ({ name, command, cwd: '..', env, ready: 'tcp' });
  const deployRel = relative(repoRoot, deploy);
  writeFileSync(
    benchFile,
    `${JSON.stringify(
      {
        version: 1,
        warmupRuns: 1,
        variants: [
          variant('node-http', ['node', 'benchmarks/runtime-overhead/hello.mjs']),
          variant('thaw', ['node', 'examples/hello/dist/index.js']),
          variant('thaw-slimmed', ['node', `${deployRel}/index.js`], {
            NODE_COMPILE_CACHE: `${deployRel}/compile-cache`,
            NODE_COMPILE_CACHE_PORTABLE: '1',
          }),
        ],
      },
      null,
      2,
    )}\n`,
  );
  const result = await bench('hello', [benchFile, '--quiet']);
  say();
  say('Size: the production closure against the thaw deploy folder');
  say(formatSizeReport(report.size).trimEnd());
  printFiles(result.files);
  return result.code;
}

// The same function as Knative runs it: images on one base, started by podman + runc under
// 500m / 128Mi, the request held by the emulated activator until the queue-proxy's prober
// (50 ms, 100 ms timeout) finds the container ready. Two rounds, to keep the demo short.
async function containersDemo({ slimOrderRisk }) {
  const { loadBenchFile, requirePodman, runBench } = await import('@thaw/bench');
  say();
  say('order-risk in containers under 500m CPU / 128Mi, through the Knative path (activator → queue-proxy):');
  try {
    requirePodman(['buildah', 'skopeo', 'docker-registry']);
  } catch (error) {
    say(`  not run here: ${error.message}`);
    say('  With those installed, `npm run demo` runs it (about a minute), and');
    say('  `npm run bench -- --only containers` the full benchmark; its committed figures are in');
    say('  benchmarks/containers/README.md.');
    return 0;
  }
  const { buildImages } = await import('../benchmarks/containers/images.mjs');
  const { cellTable } = await import('../benchmarks/containers/report.mjs');
  const topic = join(repoRoot, 'benchmarks', 'containers');
  const deploys = await slimOrderRisk(join(topic, 'out'), ['thaw']);
  say('  building the images (hello, eager with its full node_modules, thaw image) on one Node 24 base …');
  await buildImages('24', { thawDeployDir: deploys.thaw.outDir });
  say('  staging them in a local registry, then 2 interleaved rounds of a scale from zero each …');
  const plan = await loadBenchFile(join(topic, 'cold.bench.mjs'));
  const cell = { ...plan, variants: plan.variants.filter((v) => v.name.endsWith('-24-500m')) };
  const result = await runBench(cell, { runs: 2, warmupRuns: 0, pullRuns: 0 });
  say();
  say(cellTable({ cold: result }, '24', '500m'));
  const share = (kind) =>
    result.summary.variants.find((v) => v.name === `${kind}-24-500m`)?.container?.appShareMs?.median;
  if (share('eager') !== undefined && share('thaw') !== undefined)
    say(`\n  eager ÷ thaw, app share: ${(share('eager') / share('thaw')).toFixed(1)}×`);
  say();
  say("  app share = first response − the container runtime's StartedAt; ms from the request's arrival.");
  say(
    '  2 rounds here; the committed run with more rounds and both limits: benchmarks/containers/README.md.',
  );
  return result.runs.every((r) => r.ok || r.container?.oomKilled === true) ? 0 : 1;
}

mkdirSync(demoDir, { recursive: true });
say('thaw cold-start demo');
say();
say('Building the packages and examples …');
const build = await run(
  process.execPath,
  [
    join(repoRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'),
    'run-many',
    '-t',
    'build',
    '--output-style=static',
  ],
  { capture: true },
);
if (build.code !== 0) {
  say(build.stdout.slice(-3000));
  say('The build failed (above); fix it and run `npm run demo` again.');
  process.exit(1);
}
say(`  built (${elapsed()})`);

const { checkServices, describeMissing } = await import('../benchmarks/support/services.mjs');
const orderRisk = await import('../benchmarks/support/order-risk-deploys.mjs');
const missing = describeMissing(await checkServices());
let code;
try {
  if (missing.length === 0) {
    code = await orderRiskDemo(orderRisk);
    code = Math.max(code, await containersDemo(orderRisk));
  } else {
    say();
    say('order-risk needs PostgreSQL and Redis, and cannot run here:');
    for (const line of missing) say(`  ${line}`);
    say('Then run `npm run demo` again. Meanwhile, the part that needs neither: the hello function.');
    code = await helloDemo();
  }
} catch (error) {
  // A build step that failed says what happened in its message; the stack adds nothing here.
  say();
  say(`The demo stopped: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
say();
say(`Demo finished in ${elapsed()}.`);
if (code !== 0) say('Some runs failed (above): the report lists each failure with the tail of its stderr.');
// A missing service is not a failure of the demo (what could run, ran); a failed run is.
process.exit(code === 0 ? 0 : 1);
