import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { runBenchCli } from '../src/cli/bench-command.ts';
import { capture } from './capture.ts';

it('prints a help that documents every flag the parser accepts', async () => {
  const stdout = capture();
  expect(await runBenchCli(['--help'], { stdout, stderr: capture() })).toBe(0);
  const help = stdout.text();
  const source = readFileSync(new URL('../src/cli/args.ts', import.meta.url), 'utf8');
  const block = source.slice(source.indexOf('const optionSpec'), source.indexOf('} as const;'));
  const flags = [...block.matchAll(/^\s+'?([a-z-]+)'?: \{ type/gm)].map((m) => m[1]);
  expect(flags.length).toBeGreaterThan(15);
  for (const flag of flags) expect(help, flag).toContain(`--${flag}`);
  for (const flag of ['--threshold', '--metric', 'compare', 'report RESULTS.json', 'Exit codes:'])
    expect(help).toContain(flag);
});
