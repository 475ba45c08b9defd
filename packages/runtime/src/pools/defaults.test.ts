import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { documentedDefaults } from '../../test/support/documented-defaults.ts';
import { defaultGenericPoolOptions } from './generic-pool.ts';
import { defaultPgPoolOptions } from './pg-pool.ts';
import { consoleLogger, defaultPoolOptions, resolvePoolOptions } from './pool-options.ts';
import { defaultRedisClientOptions } from './redis-options.ts';

/**
 * Holds the `@default` of every option of `typeName` (its own and the inherited ones, as the
 * compiler and an editor see them) to the defaults object the code applies: each option has one,
 * and its first word is the value (`consoleLogger` for the logger).
 */
function expectDocumented(file: string, typeName: string, defaults: Record<string, unknown>): void {
  const documented = documentedDefaults(new URL(file, import.meta.url), typeName);
  expect([...documented.keys()].sort()).toEqual(Object.keys(defaults).sort());
  for (const [key, { default: text, optional }] of documented) {
    expect({ key, optional, documented: text !== undefined }).toEqual({
      key,
      optional: true,
      documented: true,
    });
    const value = text!.split(/\s/u)[0];
    if (key === 'logger') {
      expect(value).toBe('consoleLogger');
      expect(defaults[key]).toBe(consoleLogger);
    } else {
      expect(String(defaults[key]), key).toBe(value);
    }
  }
}

describe('pool option defaults', () => {
  it('are what resolving no options gives', () => {
    expect(resolvePoolOptions({}, 'pools.pg("main")')).toEqual(defaultPoolOptions);
  });

  it('match what PoolOptions documents', () => {
    expectDocumented('./pool-options.ts', 'PoolOptions', defaultPoolOptions);
  });

  it('match what PgPoolOptions documents, its own options and those of PoolOptions', () => {
    expectDocumented('./pg-pool.ts', 'PgPoolOptions', defaultPgPoolOptions);
  });

  it('match what RedisClientOptions documents, its own options and those of PoolOptions', () => {
    expectDocumented('./redis-options.ts', 'RedisClientOptions', defaultRedisClientOptions);
  });

  it('match what GenericPoolOptions documents, its own options and those of PoolOptions', () => {
    expectDocumented('./generic-pool.ts', 'GenericPoolOptions', defaultGenericPoolOptions);
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
