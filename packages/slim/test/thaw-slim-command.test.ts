import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixtureProject } from './support/fixture-project.ts';

const cli = resolve(import.meta.dirname, 'support', 'thaw-cli.ts');
let project: string;

function thaw(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], {
    cwd: project,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  project = fixtureProject('hello-fn');
});

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
});

test('thaw slim --help documents the usage, every option and examples', () => {
  const { status, stdout } = thaw(['slim', '--help']);
  expect(status).toBe(0);
  for (const text of [
    'Usage: thaw slim [entry] [options]',
    '--out <dir>',
    '--budget <size>',
    '--external <pkg>',
    '--no-compile-cache',
    'Examples:',
  ]) {
    expect(stdout).toContain(text);
  }
});

test('builds the entry from package.json main into --out and prints the size table', () => {
  const { status, stdout } = thaw(['slim', '--out', 'out-cli', '--no-compile-cache']);
  expect(status).toBe(0);
  expect(stdout).toMatch(/input {2}\(npm ci --omit=dev\): 0 packages/);
  expect(stdout).toMatch(/output \(deploy folder\): +\d+ files/);
  expect(existsSync(join(project, 'out-cli', 'thaw-slim.json'))).toBe(true);
});

test('--budget fails the build with a non-zero exit and a clear message when the output is larger', () => {
  const { status, stderr } = thaw(['slim', '--out', 'out-budget', '--no-compile-cache', '--budget', '100B']);
  expect(status).toBe(1);
  expect(stderr).toMatch(/The deploy folder is .* over the budget of 100 B \(100 bytes\)/);
  // The report is still written so the heaviest modules can be looked at.
  expect(existsSync(join(project, 'out-budget', 'size-report.json'))).toBe(true);
});

test('a budget the output fits in passes', () => {
  expect(thaw(['slim', '--out', 'out-budget-ok', '--no-compile-cache', '--budget', '5MB']).status).toBe(0);
});

test('an unreadable budget or an unknown option exits 2 with a pointer to --help', () => {
  const budget = thaw(['slim', '--budget', 'huge']);
  expect(budget.status).toBe(2);
  expect(budget.stderr).toContain('Invalid --budget: received "huge"');
  const unknown = thaw(['slim', '--frobnicate']);
  expect(unknown.status).toBe(2);
  expect(unknown.stderr).toContain('See thaw slim --help.');
  const near = thaw(['slim', '--output', 'deploy']);
  expect([near.status, near.stderr]).toEqual([
    2,
    'thaw slim: unknown flag --output; did you mean --out? See thaw slim --help.\n',
  ]);
});

test('an unknown key in thaw.config.json exits 2 listing the valid keys', () => {
  writeFileSync(join(project, 'thaw.config.json'), JSON.stringify({ budget: '5MB' }));
  try {
    const { status, stderr } = thaw(['slim', '--out', 'out-config']);
    expect(status).toBe(2);
    expect(stderr).toContain(
      'Invalid budget: received "5MB"; expected a known option; valid ones are: entry, outDir',
    );
  } finally {
    rmSync(join(project, 'thaw.config.json'));
  }
});

test('bad Knative settings in package.json#thaw exit 2 naming the field', () => {
  const packageFile = join(project, 'package.json');
  const original = readFileSync(packageFile, 'utf8');
  const cases = [
    [
      { env: { DATABASE_URL: { secretKeyRef: { key: 'url' } } } },
      'Invalid knative.env.DATABASE_URL.secretKeyRef.name',
    ],
    [
      { windowSeconds: 2 },
      'Invalid knative.windowSeconds: received 2; expected an integer from 6 to 3600 (seconds, autoscaling.knative.dev/window).',
    ],
    [{ warmUp: { schedule: 'every minute' } }, 'Invalid knative.warmUp.schedule: received "every minute"'],
    [{ trigger: { delivery: { retry: 3, deadLetter: 'x' } } }, 'Invalid knative.trigger.delivery.deadLetter'],
  ] as const;
  try {
    for (const [knative, message] of cases) {
      writeFileSync(packageFile, JSON.stringify({ ...JSON.parse(original), thaw: { knative } }));
      const { status, stderr } = thaw(['slim', '--out', 'out-knative-config', '--no-compile-cache']);
      expect({ knative, status, named: stderr.includes(message) }).toEqual({
        knative,
        status: 2,
        named: true,
      });
    }
  } finally {
    writeFileSync(packageFile, original);
  }
});

test('refuses to empty a folder it did not write', () => {
  writeFileSync(join(project, 'notes.txt'), 'keep me');
  const { status, stderr } = thaw(['slim', '--out', '.']);
  expect(status).toBe(2);
  expect(stderr).toContain('contains the project itself');
  expect(readFileSync(join(project, 'notes.txt'), 'utf8')).toBe('keep me');
});
