// The benchmark suite: `npm run bench [-- --runs N] [--only TOPIC ...] [--node 24|22 ...]`.
//
// Every folder benchmarks/<topic>/ with a thaw.bench.json is a topic: its prepare.mjs (or
// prepare.ts) runs first, then `thaw bench` once per Node line listed in its benchmark.json
// ({"nodes": ["24", "22"]}; Node 24 alone without one), writing results/latest.{json,md,svg}
// (Node 24) and results/latest.node22.{json,md,svg}. A topic with a measure.mjs instead of a
// bench file runs that script, which writes results/latest.{json,md}. Finally the tables of
// benchmarks/README.md are regenerated from every topic's results JSON.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTopic, resultFilesOf, writeBetweenMarkers } from './support/readme-tables.mjs';

const benchmarksDir = import.meta.dirname;
const repoRoot = join(benchmarksDir, '..');
const thawCli = join(repoRoot, 'packages', 'cli', 'dist', 'main.js');

/** The Node binaries of each line the suite can run on (both installed by `npm ci`). */
const nodeLines = {
  24: join(repoRoot, 'node_modules', 'node', 'bin', 'node'),
  22: join(repoRoot, 'node_modules', 'node22', 'bin', 'node'),
};

const usage = `Usage: npm run bench [-- options]

  --runs N         measured runs per variant for every topic (default: each bench file's own)
  --only TOPIC     run only this topic (repeatable); the README tables still cover every topic
  --node LINE      run only on this Node line, 24 or 22 (repeatable; default: each topic's list)
  --no-prepare     skip the topics' prepare scripts
  --no-build       skip building the packages first
  --readme-only    only regenerate the README tables from the results already there
  -h, --help       this help
`;

function usageError(message) {
  process.stderr.write(`${message}\n\n${usage}`);
  process.exit(2);
}

function parseArgs(argv) {
  const options = { runs: undefined, only: [], nodes: [], prepare: true, build: true, measure: true };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    const value = () => {
      const next = argv[index + 1];
      if (next === undefined) usageError(`Option ${arg} needs a value.`);
      index += 1;
      return next;
    };
    if (arg === '--runs') {
      const raw = value();
      const runs = Number(raw);
      if (!Number.isInteger(runs) || runs < 1)
        usageError(`Invalid --runs: received "${raw}"; expected an integer of at least 1.`);
      options.runs = runs;
    } else if (arg === '--only') options.only.push(value());
    else if (arg === '--node') {
      const line = value();
      if (!(line in nodeLines))
        usageError(
          `Invalid --node: received "${line}"; expected one of ${Object.keys(nodeLines).join(', ')}.`,
        );
      options.nodes.push(line);
    } else if (arg === '--no-prepare') options.prepare = false;
    else if (arg === '--no-build') options.build = false;
    else if (arg === '--readme-only') options.measure = false;
    else if (arg === '-h' || arg === '--help') {
      process.stdout.write(usage);
      process.exit(0);
    } else usageError(`Unknown argument "${arg}".`);
  }
  return options;
}

/** A topic's Node lines from its optional benchmark.json, validated. */
function readNodes(topicDir, name) {
  const file = join(topicDir, 'benchmark.json');
  if (!existsSync(file)) return ['24'];
  const config = JSON.parse(readFileSync(file, 'utf8'));
  const unknown = Object.keys(config).filter((key) => key !== 'nodes');
  if (unknown.length > 0)
    throw new Error(`Invalid ${name}/benchmark.json: unknown key "${unknown[0]}"; expected only "nodes".`);
  const nodes = config.nodes ?? ['24'];
  if (!Array.isArray(nodes) || nodes.length === 0 || nodes.some((n) => !(n in nodeLines))) {
    throw new Error(
      `Invalid ${name}/benchmark.json nodes: received ${JSON.stringify(nodes)}; expected a non-empty list of ${Object.keys(
        nodeLines,
      )
        .map((n) => `"${n}"`)
        .join(', ')}.`,
    );
  }
  return nodes;
}

function discoverTopics() {
  return readdirSync(benchmarksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => ({ name: entry.name, dir: join(benchmarksDir, entry.name) }))
    .filter(
      (topic) => existsSync(join(topic.dir, 'thaw.bench.json')) || existsSync(join(topic.dir, 'measure.mjs')),
    )
    .map((topic) => ({
      ...topic,
      kind: existsSync(join(topic.dir, 'thaw.bench.json')) ? 'bench' : 'measure',
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Runs a child; resolves with its exit code (a signal counts as 1). With `filter`, its stdout is
 * collected and passed through `filter` before printing; stderr always passes through.
 */
function runChild(command, args, { cwd = repoRoot, env = process.env, filter } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd,
      env,
      stdio: ['ignore', filter ? 'pipe' : 'inherit', 'inherit'],
    });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.once('error', (error) => {
      process.stderr.write(`Could not start ${command}: ${error.message}\n`);
      resolve(1);
    });
    child.once('close', (code) => {
      if (filter) process.stdout.write(filter(stdout));
      resolve(code ?? 1);
    });
  });
}

// The harness prints a dozen tables per topic; the suite's log keeps the headline ones (the full
// report is in results/*.md).
const headlineSections = [
  'cold start',
  'burst of',
  'Burst:',
  'first response',
  'Steady',
  'Verdicts',
  'Failed runs',
];
function headlines(output) {
  const blocks = output
    .split(/\n\s*\n/)
    .filter((block) => headlineSections.some((title) => block.trimStart().startsWith(title)));
  return blocks.length === 0 ? output : `${blocks.join('\n\n')}\n`;
}

function seconds(sinceMs) {
  return `${((performance.now() - sinceMs) / 1000).toFixed(1)} s`;
}

async function runTopic(topic, options) {
  const failures = [];
  let nodes;
  try {
    nodes = topic.kind === 'bench' ? readNodes(topic.dir, topic.name) : ['24'];
  } catch (error) {
    return [error.message];
  }
  if (options.nodes.length > 0) nodes = nodes.filter((node) => options.nodes.includes(node));
  if (nodes.length === 0) return [];

  const prepare = ['prepare.mjs', 'prepare.ts'].find((file) => existsSync(join(topic.dir, file)));
  if (options.prepare && prepare !== undefined) {
    const started = performance.now();
    process.stdout.write(`\n── ${topic.name}: ${prepare}\n`);
    const code = await runChild(nodeLines[24], [join(topic.dir, prepare)], { cwd: topic.dir });
    if (code !== 0) return [`${topic.name}: ${prepare} failed (exit ${code}); its benchmark was not run.`];
    process.stdout.write(`   prepared in ${seconds(started)}\n`);
  }

  mkdirSync(join(topic.dir, 'results'), { recursive: true });
  if (topic.kind === 'measure') {
    const started = performance.now();
    process.stdout.write(`\n── ${topic.name}: measure.mjs\n`);
    const results = join(topic.dir, 'results');
    const code = await runChild(nodeLines[24], [
      join(topic.dir, 'measure.mjs'),
      '--json-file',
      join(results, 'latest.json'),
      '--md-file',
      join(results, 'latest.md'),
    ]);
    if (code !== 0) failures.push(`${topic.name}: measure.mjs failed (exit ${code}).`);
    process.stdout.write(`   done in ${seconds(started)}\n`);
    return failures;
  }

  for (const file of resultFilesOf(topic.dir, nodes)) {
    const started = performance.now();
    process.stdout.write(`\n── ${topic.name}: thaw bench on Node ${file.node}\n`);
    const base = join(topic.dir, 'results', file.label);
    const args = [thawCli, 'bench', join(topic.dir, 'thaw.bench.json'), '--quiet'];
    if (options.runs !== undefined) args.push('--runs', String(options.runs));
    args.push('--json-file', `${base}.json`, '--md-file', `${base}.md`, '--svg-file', `${base}.svg`);
    // Node 22 cannot read a compile cache written by Node 24 (the deploy folders are built on 24);
    // disabling it keeps Node 22 from filling one during warm-up runs, which no image would have.
    const env = file.node === '24' ? process.env : { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
    const code = await runChild(nodeLines[file.node], args, { env, filter: headlines });
    if (code !== 0) {
      failures.push(
        code === 1
          ? `${topic.name} (Node ${file.node}): some runs failed; see results/${file.label}.md.`
          : `${topic.name} (Node ${file.node}): thaw bench exited ${code}.`,
      );
    }
    process.stdout.write(`   done in ${seconds(started)}\n`);
  }
  return failures;
}

const options = parseArgs(process.argv.slice(2));
const suiteStarted = performance.now();
const topics = discoverTopics();
const unknown = options.only.filter((name) => !topics.some((topic) => topic.name === name));
if (unknown.length > 0)
  usageError(`Unknown topic "${unknown[0]}"; topics: ${topics.map((t) => t.name).join(', ')}.`);
for (const [line, binary] of Object.entries(nodeLines)) {
  if (!existsSync(binary)) usageError(`Node ${line} is missing at ${binary}; run npm ci first.`);
}

if (options.measure && options.build) {
  process.stdout.write('── building packages and examples\n');
  let buildLog = '';
  const code = await runChild(
    nodeLines[24],
    [
      join(repoRoot, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'),
      'run-many',
      '-t',
      'build',
      '--output-style=static',
    ],
    {
      filter: (output) => {
        buildLog = output;
        return '';
      },
    },
  );
  if (code !== 0) {
    process.stderr.write(`${buildLog.slice(-4000)}\nThe build failed (above); nothing was measured.\n`);
    process.exit(1);
  }
}

const selected =
  options.only.length > 0 ? topics.filter((topic) => options.only.includes(topic.name)) : topics;
const failures = [];
if (options.measure) for (const topic of selected) failures.push(...(await runTopic(topic, options)));

const sections = topics.map((topic) => {
  const nodes =
    topic.kind === 'bench'
      ? (() => {
          try {
            return readNodes(topic.dir, topic.name);
          } catch {
            return ['24'];
          }
        })()
      : ['24'];
  return renderTopic(topic, resultFilesOf(topic.dir, nodes));
});
writeBetweenMarkers(join(benchmarksDir, 'README.md'), sections.join('\n'));
// The generated Markdown is formatted as the repository's own (`prettier --check .` covers it).
const generated = [
  join(benchmarksDir, 'README.md'),
  ...topics.map((topic) => join(topic.dir, 'results')),
  // A measure script may write its tables into its topic's README too (warm-path does).
  ...topics.filter((topic) => topic.kind === 'measure').map((topic) => join(topic.dir, 'README.md')),
].filter((path) => existsSync(path));
await runChild(nodeLines[24], [
  join(repoRoot, 'node_modules', 'prettier', 'bin', 'prettier.cjs'),
  '--write',
  '--log-level=warn',
  '--no-error-on-unmatched-pattern',
  ...generated.map((path) => (path.endsWith('.md') ? path : join(path, '*.md'))),
]);

process.stdout.write(`\nbenchmarks/README.md tables regenerated. Suite took ${seconds(suiteStarted)}.\n`);
if (failures.length > 0) {
  process.stderr.write(`\n${failures.length} problem(s):\n${failures.map((f) => `  - ${f}`).join('\n')}\n`);
  process.exit(1);
}
