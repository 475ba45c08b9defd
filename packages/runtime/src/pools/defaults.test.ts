import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultGenericPoolOptions } from './generic-pool.ts';
import { defaultPgPoolOptions } from './pg-pool.ts';
import { consoleLogger, defaultPoolOptions } from './pool-options.ts';
import { defaultRedisClientOptions } from './redis-options.ts';

/** Every `readonly name?: …` in `interfaceName`, with the value its JSDoc gives after `@default`. */
function documentedDefaults(file: string, interfaceName: string): Map<string, string> {
  const source = readFileSync(new URL(file, import.meta.url), 'utf8');
  const start = source.indexOf(`export interface ${interfaceName} `);
  expect(start, `${interfaceName} in ${file}`).toBeGreaterThanOrEqual(0);
  const body = source.slice(start, source.indexOf('\n}', start));
  const found = new Map<string, string>();
  for (const match of body.matchAll(/\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*readonly (\w+)\?:/g)) {
    const doc = match[1] ?? '';
    const value = /@default\s+([^\s*]+)/.exec(doc)?.[1];
    expect(value, `@default of ${interfaceName}.${match[2]}`).toBeDefined();
    found.set(match[2]!, value!);
  }
  return found;
}

function expectMatches(documented: Map<string, string>, defaults: Record<string, unknown>): void {
  for (const [key, text] of documented) {
    const actual = defaults[key];
    if (key === 'logger') {
      expect(text).toBe('consoleLogger');
      expect(actual).toBe(consoleLogger);
    } else {
      expect(String(actual), key).toBe(text);
    }
  }
}

describe('pool option defaults', () => {
  it('match what PoolOptions documents', () => {
    const documented = documentedDefaults('./pool-options.ts', 'PoolOptions');
    expect([...documented.keys()].sort()).toEqual(Object.keys(defaultPoolOptions).sort());
    expectMatches(documented, defaultPoolOptions);
  });

  it('match what PgPoolOptions documents', () => {
    const documented = documentedDefaults('./pg-pool.ts', 'PgPoolOptions');
    expect([...documented.keys()].sort()).toEqual(
      Object.keys(defaultPgPoolOptions)
        .filter((key) => !(key in defaultPoolOptions))
        .sort(),
    );
    expectMatches(documented, defaultPgPoolOptions);
  });

  it('match what RedisClientOptions documents', () => {
    const documented = documentedDefaults('./redis-options.ts', 'RedisClientOptions');
    expect([...documented.keys()].sort()).toEqual(
      Object.keys(defaultRedisClientOptions)
        .filter((key) => !(key in defaultPoolOptions))
        .sort(),
    );
    expectMatches(documented, defaultRedisClientOptions);
  });

  it('match what GenericPoolOptions documents', () => {
    const documented = documentedDefaults('./generic-pool.ts', 'GenericPoolOptions');
    expect([...documented.keys()].sort()).toEqual(
      Object.keys(defaultGenericPoolOptions)
        .filter((key) => !(key in defaultPoolOptions))
        .sort(),
    );
    expectMatches(documented, defaultGenericPoolOptions);
  });

  it('match the defaults table in the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Pools'));
    const all: Record<string, unknown> = {
      ...defaultPgPoolOptions,
      ...defaultRedisClientOptions,
      ...defaultGenericPoolOptions,
    };
    const rows = [...section.matchAll(/^\| `(\w+)` +\| ([^|]+?) +\| `([^`]+)` +\|/gm)];
    expect(rows.length).toBeGreaterThan(10);
    for (const [, key, applies, text] of rows) {
      const source =
        applies === 'pg'
          ? defaultPgPoolOptions
          : applies === 'redis'
            ? defaultRedisClientOptions
            : applies === 'generic'
              ? defaultGenericPoolOptions
              : all;
      const actual = (source as Record<string, unknown>)[key!];
      if (key === 'logger') expect(text).toBe('consoleLogger');
      else expect(String(actual), `${key} (${applies})`).toBe(text);
    }
  });
});
