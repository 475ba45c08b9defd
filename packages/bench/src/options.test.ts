import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultBenchOptions, resolveBenchOptions } from './options.ts';

describe('bench options', () => {
  it('has defaults equal to the @default documented on each field', () => {
    const source = readFileSync(new URL('./options.ts', import.meta.url), 'utf8');
    const documented = [...source.matchAll(/@default (\S+) \*\/\n\s+readonly (\w+)\?/g)].map(
      ([, value, key]) => [key, value],
    );
    expect(documented.length).toBe(Object.keys(defaultBenchOptions).length);
    for (const [key, value] of documented) {
      const actual = defaultBenchOptions[key as keyof typeof defaultBenchOptions];
      expect(String(actual), key).toBe(value?.replace(/'/g, ''));
    }
  });

  it('keeps an explicit zero instead of replacing it with the default', () => {
    const resolved = resolveBenchOptions({ warmupRuns: 0, cooldownMs: 0, seed: 0 });
    expect(resolved.warmupRuns).toBe(0);
    expect(resolved.seed).toBe(0);
    expect(resolveBenchOptions({}).warmupRuns).toBe(2);
  });
});
