import { expect, it } from 'vitest';
import { benchFlagNames } from '../src/cli/args.ts';
import { runBenchCli } from '../src/cli/bench-command.ts';
import { capture } from './capture.ts';

it('prints a help that documents every flag the parser accepts', async () => {
  const stdout = capture();
  expect(await runBenchCli(['--help'], { stdout, stderr: capture() })).toBe(0);
  const help = stdout.text();
  const flags = benchFlagNames;
  expect(flags.length).toBeGreaterThan(15);
  for (const flag of flags) expect(help, flag).toContain(`--${flag}`);
  for (const flag of ['--threshold', '--metric', 'compare', 'report RESULTS.json', 'Exit codes:'])
    expect(help).toContain(flag);
});

it('accepts no flag beyond the ones it declares: an undeclared one is a usage error', async () => {
  const stderr = capture();
  expect(await runBenchCli(['--no-such-flag'], { stdout: capture(), stderr })).toBe(2);
  expect(stderr.text()).toMatch(/--no-such-flag/u);
});
