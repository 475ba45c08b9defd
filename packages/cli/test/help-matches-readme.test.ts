import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { benchFlagNames } from '../../bench/src/cli/args.ts';
import { imageFlagNames } from '../../slim/src/cli/image-command.ts';
import { slimFlagNames } from '../../slim/src/cli/slim-command.ts';
import { devOptionNames } from '../src/dev/dev-command.ts';
import { invokeOptionNames } from '../src/invoke/invoke-command.ts';

// `thaw <command> --help`, the flags its parser declares and the flag table of the README that
// documents the command must name the same flags.
const packages = join(import.meta.dirname, '..', '..');
const main = join(import.meta.dirname, '..', 'src', 'main.ts');

const commands = [
  { command: 'dev', readme: 'cli/README.md', declared: devOptionNames },
  { command: 'invoke', readme: 'cli/README.md', declared: invokeOptionNames },
  { command: 'slim', readme: 'slim/README.md', declared: slimFlagNames },
  { command: 'image', readme: 'slim/docs/image.md', declared: imageFlagNames },
  { command: 'bench', readme: 'bench/README.md', declared: benchFlagNames },
] as const;

/** The long flags an option line of a help text starts with. */
function helpFlags(help: string): string[] {
  return [...help.matchAll(/^ {2,}(?:-[a-zA-Z], )?(--[a-z][a-z-]*)/gm)].map((m) => m[1] as string);
}

/** The long flags in the first column of the README's table between its flags markers. */
function readmeFlags(readme: string, command: string): string[] {
  const start = readme.indexOf(`<!-- flags: thaw ${command} -->`);
  const end = readme.indexOf('<!-- /flags -->', start);
  expect(start, `a <!-- flags: thaw ${command} --> table`).toBeGreaterThan(-1);
  const rows = readme
    .slice(start, end)
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| flag') && !line.startsWith('| -'));
  return rows.flatMap((row) => {
    const first = row.split(/(?<!\\)\|/)[1] ?? '';
    return [...first.matchAll(/(--[a-z][a-z-]*)/g)].map((m) => m[1] as string);
  });
}

describe.each(commands)('thaw $command', ({ command, readme, declared }) => {
  const help = spawnSync(process.execPath, [main, command, '--help'], {
    encoding: 'utf8',
    timeout: 30_000,
  }).stdout;

  it('lists in --help every flag its parser declares', () => {
    const listed = new Set(helpFlags(help));
    for (const name of declared) {
      expect(
        listed.has(`--${name}`) || listed.has(`--no-${name}`),
        `--${name} in thaw ${command} --help`,
      ).toBe(true);
    }
  });

  it(`has the same flags in --help as in the table of packages/${readme}`, () => {
    const text = readFileSync(join(packages, readme), 'utf8');
    expect([...new Set(readmeFlags(text, command))].sort()).toEqual([...new Set(helpFlags(help))].sort());
  });
});
