import { describe, expect, it } from 'vitest';
import { parseBenchFile } from './config.ts';
import { BenchConfigError } from './errors.ts';

const where = { baseDir: '/srv/bench', source: 'thaw.bench.json' };

function errorOf(value: unknown): BenchConfigError {
  try {
    parseBenchFile(value, where);
  } catch (error) {
    if (error instanceof BenchConfigError) return error;
    throw error;
  }
  throw new Error('expected a BenchConfigError');
}

const contractExample = {
  version: 1,
  runs: 30,
  warmupRuns: 2,
  cooldownMs: 0,
  timeoutMs: 10000,
  variants: [
    {
      name: 'node-http',
      baseline: true,
      command: ['node', 'hello.mjs'],
      cwd: '.',
      env: { TARGET: 'World' },
      ready: { http: '/' },
      request: { method: 'GET', path: '/' },
    },
    { name: 'thaw', command: ['node', 'thaw-hello.mjs'], ready: { http: '/readyz' } },
  ],
};

describe('bench file', () => {
  it('accepts the documented example and resolves cwd against the bench file folder', () => {
    const plan = parseBenchFile(contractExample, where);
    expect(plan.options).toEqual({ runs: 30, warmupRuns: 2, cooldownMs: 0, timeoutMs: 10000 });
    expect(plan.variants.map((v) => [v.name, v.baseline, v.cwd])).toEqual([
      ['node-http', true, '/srv/bench'],
      ['thaw', false, '/srv/bench'],
    ]);
    expect(plan.variants[1]?.ready).toEqual({ http: '/readyz' });
    expect(plan.variants[1]?.request).toEqual({ method: 'GET', path: '/', headers: {} });
  });

  it('defaults to a tcp probe, GET /, and the first variant as baseline', () => {
    const plan = parseBenchFile(
      {
        version: 1,
        variants: [
          { name: 'a', command: ['node', 'a.js'] },
          { name: 'b', command: ['b'] },
        ],
      },
      where,
    );
    expect(plan.variants[0]).toMatchObject({
      baseline: true,
      ready: 'tcp',
      request: { method: 'GET', path: '/' },
    });
    expect(plan.variants[1]?.baseline).toBe(false);
  });

  it('builds the command from entry and nodeFlags', () => {
    const plan = parseBenchFile(
      {
        version: 1,
        variants: [{ name: 'a', entry: 'dist/index.js', nodeFlags: ['--enable-source-maps'], cwd: 'app' }],
      },
      where,
    );
    expect(plan.variants[0]?.command).toEqual(['node', '--enable-source-maps', 'dist/index.js']);
    expect(plan.variants[0]?.cwd).toBe('/srv/bench/app');
  });

  it('rejects an unknown key with its path', () => {
    const error = errorOf({ ...contractExample, variants: [{ name: 'a', command: ['x'], readyz: '/' }] });
    expect(error.path).toBe('variants[0].readyz');
    expect(error.message).toContain('thaw.bench.json');
    expect(error.message).toContain('allowed here');
    expect(errorOf({ ...contractExample, warmup: 3 }).path).toBe('warmup');
  });

  it('names the path of a bad nested field, the value received and what is allowed', () => {
    const bad = structuredClone(contractExample) as { variants: Array<{ ready: unknown }> };
    (bad.variants[1] as { ready: unknown }).ready = { http: 'readyz' };
    const error = errorOf(bad);
    expect(error.path).toBe('variants[1].ready.http');
    expect(error.message).toBe(
      'Invalid variants[1].ready.http in thaw.bench.json: received "readyz"; expected a path starting with "/".',
    );
  });

  it('rejects wrong versions, empty commands, duplicate names, two baselines and a PORT in env', () => {
    expect(errorOf({ ...contractExample, version: 2 }).path).toBe('version');
    expect(errorOf({ version: 1, variants: [{ name: 'a', command: [] }] }).path).toBe('variants[0].command');
    expect(errorOf({ version: 1, variants: [{ name: 'a', command: ['x', 3] }] }).path).toBe(
      'variants[0].command[1]',
    );
    expect(
      errorOf({
        version: 1,
        variants: [
          { name: 'a', command: ['x'] },
          { name: 'a', command: ['y'] },
        ],
      }).path,
    ).toBe('variants[1].name');
    expect(
      errorOf({
        version: 1,
        variants: [
          { name: 'a', baseline: true, command: ['x'] },
          { name: 'b', baseline: true, command: ['y'] },
        ],
      }).path,
    ).toBe('variants[1].baseline');
    expect(errorOf({ version: 1, variants: [{ name: 'a', command: ['x'], env: { PORT: '1' } }] }).path).toBe(
      'variants[0].env.PORT',
    );
    expect(errorOf({ version: 1, runs: 0, variants: [{ name: 'a', command: ['x'] }] }).path).toBe('runs');
    expect(errorOf({ version: 1, order: 'random', variants: [{ name: 'a', command: ['x'] }] }).path).toBe(
      'order',
    );
    expect(errorOf({ version: 1, variants: [] }).path).toBe('variants');
  });

  it('validates steady mode settings', () => {
    const plan = parseBenchFile(
      { version: 1, variants: [{ name: 'a', command: ['x'], steady: { requests: 50 } }] },
      where,
    );
    expect(plan.variants[0]?.steady).toEqual({ requests: 50, concurrency: 1 });
    expect(
      errorOf({
        version: 1,
        variants: [{ name: 'a', command: ['x'], steady: { requests: 2, concurrency: 3 } }],
      }).path,
    ).toBe('variants[0].steady.concurrency');
  });
});
