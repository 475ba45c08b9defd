import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runBenchCli } from '../src/cli/bench-command.ts';
import { capture } from './capture.ts';
import { fixturesDir } from './fixture-variant.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thaw-bench-file-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('finds thaw.bench.json in the working directory and runs its variants with cwd relative to it', async () => {
  writeFileSync(
    join(dir, 'thaw.bench.json'),
    JSON.stringify({
      version: 1,
      runs: 2,
      warmupRuns: 0,
      variants: [
        {
          name: 'hello',
          command: ['node', 'ready-after-delay.mjs'],
          cwd: fixturesDir,
          ready: { http: '/readyz' },
        },
      ],
    }),
  );
  const stdout = capture();
  expect(await runBenchCli(['--quiet'], { stdout, stderr: capture(), cwd: dir })).toBe(0);
  expect(stdout.text()).toContain('2 measured runs per variant after 0 warm-up');
});

it('loads a TypeScript bench file through its default export', async () => {
  const file = join(dir, 'thaw.bench.ts');
  writeFileSync(
    file,
    `const bench: { version: 1; runs: number; warmupRuns: number; variants: object[] } = {
      version: 1, runs: 1, warmupRuns: 0,
      variants: [{ name: 'ts', command: ['node', 'ready-after-delay.mjs'], cwd: ${JSON.stringify(fixturesDir)} }],
    };
    export default bench;\n`,
  );
  const stdout = capture();
  expect(await runBenchCli([file, '--quiet'], { stdout, stderr: capture(), cwd: dir })).toBe(0);
  expect(stdout.text()).toContain('ts (baseline)');
});

it('rejects a bad bench file with exit 2 and the path of the bad field', async () => {
  const file = join(dir, 'bad.json');
  writeFileSync(
    file,
    JSON.stringify({
      version: 1,
      variants: [{ name: 'a', command: ['node', 'a.js'], ready: { http: 'readyz' } }],
    }),
  );
  const stderr = capture();
  expect(await runBenchCli([file], { stdout: capture(), stderr, cwd: dir })).toBe(2);
  expect(stderr.text()).toBe(
    'thaw bench: Invalid variants[0].ready.http in bad.json: received "readyz"; expected a path starting with "/".\n',
  );
});

it('rejects bad flags with exit 2, naming the flag', async () => {
  const stderr = capture();
  expect(
    await runBenchCli(['--variant', 'a=node a.js', '--runs', 'many'], {
      stdout: capture(),
      stderr,
      cwd: dir,
    }),
  ).toBe(2);
  expect(stderr.text()).toContain(
    'Invalid --runs in the command line: received "many"; expected an integer ≥ 1.',
  );
  const unknown = capture();
  expect(await runBenchCli(['--rusn', '3'], { stdout: capture(), stderr: unknown, cwd: dir })).toBe(2);
  expect(unknown.text()).toBe(
    'thaw bench: unknown flag --rusn; did you mean --runs? See thaw bench --help.\n',
  );
  const none = capture();
  expect(await runBenchCli([], { stdout: capture(), stderr: none, cwd: dir })).toBe(2);
  expect(none.text()).toContain('No bench file');
});
