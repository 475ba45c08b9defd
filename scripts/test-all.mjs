// The one test command (`npm test`): builds every package, checks types, lint, formatting and
// the packages as published, then runs every test suite on Node 24 (the project's toolchain)
// and the runtime and end-to-end suites again on Node 22. Ends with one pass/fail count line.
//
//   node scripts/test-all.mjs            everything
//   node scripts/test-all.mjs --no-checks  skip build checks (typecheck, lint, publint, attw)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureServices } from './services.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const bin = (name) => join(root, 'node_modules', '.bin', name);
const node24 = join(root, 'node_modules', '.bin', 'node');
const node22 = join(root, 'node_modules', 'node22', 'bin', 'node');
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const args = new Set(process.argv.slice(2));

function step(title, command, commandArgs, env = {}) {
  console.log(`\n▶ ${title}`);
  const started = Date.now();
  const result = spawnSync(command, commandArgs, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.error) throw result.error;
  console.log(`${result.status === 0 ? '✔' : '✘'} ${title} (${seconds} s)`);
  return result.status === 0;
}

function versionOf(nodeBinary) {
  return spawnSync(nodeBinary, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

for (const [label, path] of [
  ['Node 24', node24],
  ['Node 22', node22],
]) {
  if (!existsSync(path)) {
    console.error(
      `${label} is missing at ${path}: run \`npm ci\` first (it installs the project's Node binaries).`,
    );
    process.exit(1);
  }
}

// thaw image's tests drive a real registry and independent OCI clients (Debian packages).
const imageTools = ['docker-registry', 'skopeo', 'umoci', 'htpasswd', 'openssl'];
const missingTools = imageTools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
if (missingTools.length > 0) {
  console.error(
    `The image tests need ${missingTools.join(', ')}. Install them with:\n` +
      '  apt-get install -y docker-registry skopeo umoci apache2-utils openssl\n' +
      '(.ci/run does this by itself.)',
  );
  process.exit(1);
}

const problems = await ensureServices();
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(
    'The integration tests need PostgreSQL and Redis on loopback (see README, "Running the tests").',
  );
  process.exit(1);
}

const scratch = mkdtempSync(join(tmpdir(), 'thaw-test-'));
const failures = [];
const counts = [];

try {
  if (!step('build', bin('nx'), ['run-many', '-t', 'build', '--output-style=stream'])) failures.push('build');
  if (!args.has('--no-checks')) {
    if (
      !step('typecheck, lint, package checks', bin('nx'), [
        'run-many',
        '-t',
        'typecheck',
        'lint',
        'check-package',
        '--output-style=stream',
      ])
    ) {
      failures.push('package checks');
    }
    if (
      !step('lint (repository files)', bin('eslint'), [
        '.',
        '--ignore-pattern',
        'packages/**',
        '--ignore-pattern',
        'examples/**',
      ])
    )
      failures.push('lint');
    if (!step('typecheck (repository files)', bin('tsc'), ['-p', 'tsconfig.json']))
      failures.push('typecheck');
    if (!step('format', bin('prettier'), ['--check', '.', '--log-level=warn'])) failures.push('format');
  }

  const legs = [
    { label: `Node ${versionOf(node24)}`, node: node24, projects: [] },
    { label: `Node ${versionOf(node22)}`, node: node22, projects: ['runtime', 'e2e'] },
  ];
  for (const [index, leg] of legs.entries()) {
    const report = join(scratch, `vitest-${index}.json`);
    const projectArgs = leg.projects.flatMap((name) => ['--project', name]);
    const ok = step(
      `tests on ${leg.label}${leg.projects.length > 0 ? ` (${leg.projects.join(', ')})` : ''}`,
      leg.node,
      [vitest, 'run', ...projectArgs, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
      { PATH: `${dirname(leg.node)}:${process.env.PATH ?? ''}` },
    );
    const count = existsSync(report)
      ? summarize(leg.label, JSON.parse(readFileSync(report, 'utf8')))
      : undefined;
    if (count !== undefined) counts.push(count);
    if (!ok) {
      if (count === undefined) failures.push(`${leg.label}: the test runner did not finish`);
      else if (count.failed > 0) failures.push(`${leg.label}: ${count.failed} failing tests`);
      else failures.push(`${leg.label}: a suite failed outside any test (see above)`);
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

function summarize(label, json) {
  return {
    label,
    passed: json.numPassedTests,
    failed: json.numFailedTests,
    skipped: json.numPendingTests + json.numTodoTests,
  };
}

const total = counts.reduce(
  (sum, c) => ({
    passed: sum.passed + c.passed,
    failed: sum.failed + c.failed,
    skipped: sum.skipped + c.skipped,
  }),
  { passed: 0, failed: 0, skipped: 0 },
);
console.log('');
for (const c of counts)
  console.log(`  ${c.label}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
if (failures.length > 0) console.log(`  failed steps: ${failures.join('; ')}`);
console.log(
  `tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped${failures.length > 0 ? ' — FAILED' : ' — OK'}`,
);
process.exitCode = failures.length > 0 || total.failed > 0 ? 1 : 0;
