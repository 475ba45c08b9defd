import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runBenchCli } from '../src/cli/bench-command.ts';
import { renderJson } from '../src/report/json.ts';
import { renderMarkdown } from '../src/report/markdown.ts';
import { capture } from './capture.ts';
import { around, syntheticResult } from './synthetic-result.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thaw-bench-report-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('regenerates the table, Markdown and SVG of a saved result from its JSON', async () => {
  const result = syntheticResult({ base: around(300), thaw: around(100) });
  writeFileSync(join(dir, 'r.json'), renderJson(result, dir));
  const stdout = capture();
  expect(
    await runBenchCli(['report', 'r.json', '--md-file', 'r.md', '--svg-file', 'r.svg'], {
      stdout,
      stderr: capture(),
      cwd: dir,
    }),
  ).toBe(0);
  expect(stdout.text()).toContain('Verdicts');
  expect(stdout.text()).toContain('Wrote r.md');
  expect(readFileSync(join(dir, 'r.md'), 'utf8')).toBe(renderMarkdown(result));
  expect(readFileSync(join(dir, 'r.svg'), 'utf8')).toContain('</svg>');
  const missing = capture();
  expect(await runBenchCli(['report', 'nope.json'], { stdout: capture(), stderr: missing, cwd: dir })).toBe(
    2,
  );
  expect(missing.text()).toContain('Cannot read nope.json');
});
