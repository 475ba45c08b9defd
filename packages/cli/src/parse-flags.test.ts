import { describe, expect, it } from 'vitest';
import { nearestFlag, parseFlags } from './parse-flags.ts';

const options = {
  out: { type: 'string', short: 'o' },
  json: { type: 'boolean' },
  minify: { type: 'boolean' },
  'md-file': { type: 'string' },
} as const;

function failure(args: readonly string[], renamed?: Record<string, string>): string {
  try {
    parseFlags(
      { args, options, allowNegative: true, ...(renamed === undefined ? {} : { renamed }) },
      (message) => new Error(message),
    );
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`${args.join(' ')} parsed`);
}

describe('parseFlags', () => {
  it('answers an unknown flag with the nearest valid one', () => {
    expect(failure(['--output', 'x'])).toBe('unknown flag --output; did you mean --out?');
    expect(failure(['--jsno'])).toBe('unknown flag --jsno; did you mean --json?');
    expect(failure(['--no-minfy'])).toBe('unknown flag --no-minfy; did you mean --no-minify?');
    expect(failure(['--md', 'r.md'])).toBe('unknown flag --md; did you mean --md-file?');
    expect(failure(['--zzzzzz'])).toBe('unknown flag --zzzzzz.');
  });

  it('names a renamed flag by its new spelling', () => {
    expect(failure(['--md', 'r.md'], { md: '--md-file FILE' })).toBe('--md is now --md-file FILE.');
  });

  it('says which flag lacks its value or was given one it does not take', () => {
    expect(failure(['--out'])).toBe('--out needs a value.');
    expect(failure(['--out', '--json'])).toBe(
      '--out needs a value, not the flag --json (write --out=--json if that is the value).',
    );
    expect(failure(['--json=yes'])).toBe('--json takes no value (received --json=yes).');
  });

  it('parses valid flags, negations and positionals as node:util parseArgs does', () => {
    const { values, positionals } = parseFlags(
      { args: ['-o', 'deploy', '--no-minify', 'src/index.ts'], options, allowNegative: true },
      (message) => new Error(message),
    );
    expect(values).toEqual({ out: 'deploy', minify: false });
    expect(positionals).toEqual(['src/index.ts']);
  });

  it('suggests among short spellings for a short flag, and nothing for a flag far from every spelling', () => {
    expect(nearestFlag('-q', ['--out', '-o'])).toBe('-o');
    expect(nearestFlag('--x', ['--out'])).toBeUndefined();
  });
});
