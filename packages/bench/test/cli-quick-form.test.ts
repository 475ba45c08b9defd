import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runBenchCli } from '../src/cli/bench-command.ts';
import { parseResultJson } from '../src/report/json.ts';
import { capture } from './capture.ts';
import { fixturesDir, isGone } from './fixture-variant.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thaw-bench-cli-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('benchmarks --variant commands and writes the table, JSON, Markdown and SVG', async () => {
  const stdout = capture();
  const stderr = capture();
  const code = await runBenchCli(
    [
      '--variant',
      'base=node ready-after-delay.mjs',
      '--variant',
      "ipc='node' thaw-ipc.mjs",
      '--ready',
      '/readyz',
      '--runs',
      '3',
      '--warmup',
      '1',
      '--timeout',
      '8s',
      '--json-file',
      join(dir, 'r.json'),
      '--md-file',
      join(dir, 'r.md'),
      '--svg-file',
      join(dir, 'r.svg'),
    ],
    { stdout, stderr, cwd: fixturesDir },
  );
  expect(code).toBe(0);
  expect(stdout.text()).toContain('first response (ms since spawn)');
  expect(stdout.text()).toMatch(/ipc .* (faster|slower|no measurable difference) to first response/);
  expect(stderr.text()).toContain('run 8 of 8 · ipc: first response');
  const result = parseResultJson(readFileSync(join(dir, 'r.json'), 'utf8'), 'r.json');
  expect(result.runs).toHaveLength(8);
  expect(result.variants.map((v) => [v.name, v.cwd, v.command])).toEqual([
    ['base', '.', ['node', 'ready-after-delay.mjs']],
    ['ipc', '.', ['node', 'thaw-ipc.mjs']],
  ]);
  expect(result.summary.variants[1]?.runtimeMilestones?.readyMs).toBeGreaterThan(0);
  // The harness sees ready after the process does, clock offsets aside: the two processes'
  // time origins are read apart and, on a loaded machine, differ by a few milliseconds (seen:
  // 5.2 ms with both cores busy). A mix-up of the two clocks would be off by the whole spawn
  // gap, tens of milliseconds or more, which these bounds still catch.
  const clockSkewMs = 15;
  expect(result.summary.variants[1]?.readyDetectionLagMs).toBeGreaterThan(-clockSkewMs);
  expect(result.summary.variants[1]?.responseDetectionLagMs).toBeGreaterThan(-clockSkewMs);
  expect(stdout.text()).toContain('probe lag');
  expect(result.summary.variants[1]?.runtimePhases?.map((p) => [p.name, p.n])).toEqual([
    ['node bootstrap', 3],
    ['init config', 3],
  ]);
  expect(stdout.text()).toContain("Runtime's own phases");
  expect(readFileSync(join(dir, 'r.md'), 'utf8')).toContain('| variant | N | failed | median |');
  expect(readFileSync(join(dir, 'r.svg'), 'utf8')).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
  for (const run of result.runs) expect(isGone(run.pid!)).toBe(true);
});

it('exits 1 and shows the stderr tail when runs fail, and 2 for a command that does not exist', async () => {
  const stdout = capture();
  const failed = await runBenchCli(
    ['--variant', 'crash=node crash.mjs', '--runs', '1', '--warmup', '0', '--quiet'],
    {
      stdout,
      stderr: capture(),
      cwd: fixturesDir,
    },
  );
  expect(failed).toBe(1);
  expect(stdout.text()).toContain('crash: 1 measured run(s) failed [THAW_BENCH_EXITED]');
  expect(stdout.text()).toContain('│ fatal: could not connect to the database at startup');
  const stderr = capture();
  const missing = await runBenchCli(['--variant', 'x=no-such-binary-thaw', '--runs', '1', '--quiet'], {
    stdout: capture(),
    stderr,
    cwd: dir,
  });
  expect(missing).toBe(2);
  expect(stderr.text()).toContain('the command "no-such-binary-thaw" was not found');
});
