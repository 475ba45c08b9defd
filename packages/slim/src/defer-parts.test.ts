import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deferInSources, packageDeferrals, PartDeferrals } from './defer-parts.ts';
import { SlimConfigError } from './errors.ts';
import { resolveSlimOptions } from './options.ts';

const ioredisDir = dirname(createRequire(import.meta.url).resolve('ioredis/package.json'));
const ioredisVersion = (
  JSON.parse(readFileSync(join(ioredisDir, 'package.json'), 'utf8')) as { version: string }
).version;
const ioredis = packageDeferrals['ioredis']!;
const readInstalled = (file: string): string => readFileSync(join(ioredisDir, file), 'utf8');

describe("deferring ioredis's Cluster and Sentinel code", () => {
  test('edits the installed ioredis, the version the edits were written against', () => {
    expect(ioredisVersion).toBe(ioredis.version);
    const outcome = deferInSources('ioredis', ioredis, ioredisVersion, readInstalled);
    expect(outcome.applied).toBe(true);
    if (!outcome.applied) return;
    expect([...outcome.files.keys()].sort()).toEqual([
      'built/Redis.js',
      'built/connectors/index.js',
      'built/index.js',
    ]);
    for (const source of outcome.files.values()) {
      // No file loads the cluster or Sentinel code when it loads: only inside functions.
      expect(source).not.toMatch(
        /^(?:const|var) \w+ = require\("\.\/(?:cluster|connectors\/SentinelConnector|SentinelConnector)"\);$/m,
      );
      expect(source).not.toMatch(/\bcluster_1\b|\bSentinelConnector_1\b/);
    }
    expect(outcome.files.get('built/Redis.js')).toContain('get() { return require("./cluster").default; }');
  });

  test('edits nothing when a file uses an identifier the edits do not cover', () => {
    const outcome = deferInSources('ioredis', ioredis, '6.0.1', (file) =>
      file === 'built/Redis.js'
        ? `${readInstalled(file)}\nRedis.prototype.clusterClass = () => cluster_1.default;\n`
        : readInstalled(file),
    );
    expect(outcome).toEqual({
      applied: false,
      name: 'ioredis',
      reason: "ioredis 6.0.1's built/Redis.js is not shaped as in 6.0.0 (cluster_1 used 3 times, not 2)",
    });
  });

  test('edits nothing when a line it replaces is written differently', () => {
    const outcome = deferInSources('ioredis', ioredis, '6.1.0', (file) =>
      file === 'built/index.js'
        ? readInstalled(file).replace(
            'get: function () { return cluster_1.default; }',
            'get() { return cluster_1.default; }',
          )
        : readInstalled(file),
    );
    expect(outcome.applied).toBe(false);
    if (outcome.applied) return;
    expect(outcome.reason).toBe(
      `ioredis 6.1.0's built/index.js is not shaped as in 6.0.0 ("var cluster_1 = require(\\"./cluster\\");" found 0 times)`,
    );
  });

  test('edits nothing when a file is missing', () => {
    const outcome = deferInSources('ioredis', ioredis, '7.0.0', (file) => {
      if (file === 'built/connectors/index.js') throw new Error('ENOENT');
      return readInstalled(file);
    });
    expect(outcome).toEqual({
      applied: false,
      name: 'ioredis',
      reason: 'ioredis 7.0.0 has no built/connectors/index.js',
    });
  });

  test('finds the package folder of each file and decides once per folder', () => {
    const deferrals = new PartDeferrals(['ioredis']);
    expect(deferrals.sourceOf(join(ioredisDir, 'built', 'Redis.js'))).toContain(
      'require("./cluster").default',
    );
    expect(deferrals.sourceOf(join(ioredisDir, 'built', 'Pipeline.js'))).toBeUndefined();
    expect(deferrals.deferredFor(join(ioredisDir, 'built', 'index.js'))).toBe(true);
    expect(deferrals.sourceOf(join(dirname(ioredisDir), 'pg', 'lib', 'index.js'))).toBeUndefined();
    expect(deferrals.outcomes.map((o) => o.applied)).toEqual([true]);
    expect(new PartDeferrals([]).sourceOf(join(ioredisDir, 'built', 'Redis.js'))).toBeUndefined();
  });
});

describe('the deferParts option', () => {
  test("is 'auto' by default and takes a list of the packages slim can defer parts of", () => {
    expect(resolveSlimOptions({}).deferParts).toBe('auto');
    expect(resolveSlimOptions({ deferParts: [] }).deferParts).toEqual([]);
    expect(resolveSlimOptions({ deferParts: ['ioredis'] }).deferParts).toEqual(['ioredis']);
  });

  test('refuses a package slim cannot defer parts of', () => {
    expect(() => resolveSlimOptions({ deferParts: ['pg'] })).toThrow(SlimConfigError);
    expect(() => resolveSlimOptions({ deferParts: ['pg'] })).toThrow(
      'Invalid deferParts: received ["pg"]; expected "auto" or an array of "ioredis".',
    );
  });
});
