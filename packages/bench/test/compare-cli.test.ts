import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runBenchCli } from '../src/cli/bench-command.ts';
import { renderJson } from '../src/report/json.ts';
import { capture } from './capture.ts';
import { around, syntheticResult } from './synthetic-result.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thaw-bench-compare-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const resultWith = (times: number[]) => syntheticResult({ thaw: times });

it('exits 1 when a median grew beyond the threshold with intervals apart', async () => {
  writeFileSync(join(dir, 'old.json'), renderJson(resultWith(around(100)), dir));
  writeFileSync(join(dir, 'new.json'), renderJson(resultWith(around(130)), dir));
  const stdout = capture();
  expect(
    await runBenchCli(['compare', 'old.json', 'new.json'], { stdout, stderr: capture(), cwd: dir }),
  ).toBe(1);
  expect(stdout.text()).toMatch(
    /thaw\s+firstResponseMs\s+100 \[99\.0–101\]\s+130 \[129–131\]\s+\+30\.0%\s+regressed/,
  );
  expect(stdout.text()).toContain('regression(s): thaw listeningMs, thaw readyMs, thaw firstResponseMs.');
});

it('exits 0 for a change within the threshold, and for an improvement', async () => {
  writeFileSync(join(dir, 'old.json'), renderJson(resultWith(around(100)), dir));
  writeFileSync(join(dir, 'new.json'), renderJson(resultWith(around(103)), dir));
  writeFileSync(join(dir, 'faster.json'), renderJson(resultWith(around(60)), dir));
  const stdout = capture();
  expect(
    await runBenchCli(['compare', 'old.json', 'new.json', '--threshold', '5%'], {
      stdout,
      stderr: capture(),
      cwd: dir,
    }),
  ).toBe(0);
  expect(stdout.text()).toContain('No regression.');
  const improved = capture();
  expect(
    await runBenchCli(['compare', 'old.json', 'faster.json', '--metric', 'firstResponseMs'], {
      stdout: improved,
      stderr: capture(),
      cwd: dir,
    }),
  ).toBe(0);
  expect(improved.text()).toMatch(/-40\.0%\s+improved/);
  expect(improved.text()).not.toContain('readyMs');
});

it('refuses a file that is not a results file with exit 2', async () => {
  writeFileSync(join(dir, 'old.json'), '{"version": 1}');
  writeFileSync(join(dir, 'new.json'), renderJson(resultWith(around(100)), dir));
  const stderr = capture();
  expect(
    await runBenchCli(['compare', 'old.json', 'new.json'], { stdout: capture(), stderr, cwd: dir }),
  ).toBe(2);
  expect(stderr.text()).toContain('old.json is not a thaw bench results file (schema is undefined)');
});
