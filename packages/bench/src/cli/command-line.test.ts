import { describe, expect, it } from 'vitest';
import { parseDurationMs, splitCommand } from './command-line.ts';
import { BenchConfigError } from '../errors.ts';

describe('command line words and durations', () => {
  it('splits a command like a shell for quotes and escapes', () => {
    expect(splitCommand('node  dist/index.js')).toEqual(['node', 'dist/index.js']);
    expect(splitCommand(`node -e "console.log('hi there')"`)).toEqual([
      'node',
      '-e',
      "console.log('hi there')",
    ]);
    expect(splitCommand(`a 'b c' d\\ e "f\\"g" ''`)).toEqual(['a', 'b c', 'd e', 'f"g', '']);
  });

  it('refuses an unclosed quote', () => {
    expect(() => splitCommand(`node "a.js`, '--variant a')).toThrow(BenchConfigError);
  });

  it('parses durations in ms, s and minutes', () => {
    expect(parseDurationMs('500ms', '--slo')).toBe(500);
    expect(parseDurationMs('1.5s', '--timeout')).toBe(1500);
    expect(parseDurationMs('250', '--cooldown')).toBe(250);
    expect(parseDurationMs('2m', '--timeout')).toBe(120_000);
    expect(() => parseDurationMs('fast', '--slo')).toThrow('Invalid --slo: received "fast"');
  });
});
