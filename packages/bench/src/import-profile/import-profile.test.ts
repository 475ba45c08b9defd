// Real profiles of real processes: a fixture function that loads a package burning CPU at load
// time, started through the harness with V8's profiler, as plain files and as an esbuild bundle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBenchCli } from '../cli/bench-command.ts';
import { type BenchPlan, type VariantSpec } from '../config.ts';
import { type ImportProfileResult, profileImports, renderImportProfile } from './profile-imports.ts';

let root: string;

function writePackage(name: string, loadMs: number): void {
  const dir = join(root, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'index.js' }));
  // Busy for loadMs of wall-clock time at load: CPU the profiler must charge to this package.
  writeFileSync(
    join(dir, 'index.js'),
    `const end = Date.now() + ${loadMs};\nlet spins = 0;\nwhile (Date.now() < end) spins++;\nmodule.exports = { spins };\n`,
  );
}

function variant(name: string, script: string): VariantSpec {
  return {
    name,
    baseline: false,
    command: ['node', script],
    cwd: root,
    env: {},
    ready: 'tcp',
    request: { method: 'GET', path: '/', headers: {} },
  };
}

const plan = (...variants: VariantSpec[]): BenchPlan => ({ variants, options: {} });

function packagesOf(result: ImportProfileResult, name: string): Map<string, number> {
  const v = result.variants.find((x) => x.variant === name);
  return new Map((v?.packages ?? []).map((p) => [p.label, p.toReadyMs]));
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'thaw-imports-test-'));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'my-function', private: true }));
  writePackage('heavy-pkg', 60);
  writePackage('light-pkg', 3);
  writeFileSync(
    join(root, 'server.cjs'),
    [
      "const heavy = require('heavy-pkg');",
      "const light = require('light-pkg');",
      "const { createServer } = require('node:http');",
      'createServer((req, res) => res.end(String(heavy.spins + light.spins))).listen(Number(process.env.PORT));',
      '',
    ].join('\n'),
  );
  for (const [out, sourcemap] of [
    ['bundled.cjs', 'linked'],
    ['bundled-no-map.cjs', false],
  ] as const) {
    await build({
      entryPoints: [join(root, 'server.cjs')],
      outfile: join(root, 'dist', out),
      bundle: true,
      platform: 'node',
      format: 'cjs',
      sourcemap,
      logLevel: 'silent',
    });
  }
}, 60_000);

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('profileImports', () => {
  it('charges load-time CPU to the package that ran it, through a bundle and its source map', async () => {
    const result = await profileImports(
      plan(
        variant('files', 'server.cjs'),
        variant('bundle', 'dist/bundled.cjs'),
        variant('no-map', 'dist/bundled-no-map.cjs'),
      ),
      { runs: 2, warmupRuns: 0, bench: { timeoutMs: 20_000 } },
    );
    expect(result.schema).toBe('thaw-import-profile');
    for (const name of ['files', 'bundle']) {
      const v = result.variants.find((x) => x.variant === name);
      expect(v?.runs).toBe(2);
      expect(v?.failures).toEqual([]);
      const ranked = v?.packages.filter((p) => !p.label.startsWith('(')) ?? [];
      expect(ranked[0]?.label).toBe('heavy-pkg');
      expect(ranked[0]?.toReadyMs).toBeGreaterThanOrEqual(40);
      expect(packagesOf(result, name).get('light-pkg') ?? 0).toBeLessThan(ranked[0]?.toReadyMs ?? 0);
      expect(v?.readyMs).toBeGreaterThan(0);
      expect(v?.firstResponseMs).toBeGreaterThanOrEqual(v?.readyMs ?? 0);
    }
    // Without a map the bundle is one file of the function: its packages cannot be told apart.
    const noMap = packagesOf(result, 'no-map');
    expect(noMap.has('heavy-pkg')).toBe(false);
    expect(noMap.get('(function)') ?? 0).toBeGreaterThanOrEqual(40);
    const text = renderImportProfile(result, 5);
    expect(text).toMatch(/files: 2 runs/);
    expect(text).toMatch(/heavy-pkg\s+\d+\.\d ms/);
  }, 120_000);

  it("names the function's own code after the script, not after a preload given before it", async () => {
    writePackage('preload-pkg', 0);
    const preloaded: VariantSpec = {
      ...variant('preloaded', 'server.cjs'),
      command: ['node', '--require', 'preload-pkg', 'server.cjs'],
    };
    const result = await profileImports(plan(preloaded), {
      runs: 1,
      warmupRuns: 0,
      bench: { timeoutMs: 20_000 },
    });
    const labels = packagesOf(result, 'preloaded');
    expect(labels.has('(function)')).toBe(true);
    expect(labels.has('my-function')).toBe(false);
  }, 60_000);

  it("charges the ES module loader's reading, compiling and linking of a static import graph to the package loaded", async () => {
    // Hundreds of ES modules that do nothing at their top level: what they cost is the loader's
    // work, which runs outside every package's frames.
    const dir = join(root, 'node_modules', 'esm-graph-pkg');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'esm-graph-pkg', version: '1.0.0', type: 'module', exports: './index.js' }),
    );
    const count = 300;
    const body = Array.from(
      { length: 40 },
      (_, i) => `  const v${i} = [a, b, ${i}].map((x) => x + ${i});`,
    ).join('\n');
    for (let i = 0; i < count; i++) {
      writeFileSync(join(dir, `m${i}.js`), `export function f${i}(a, b) {\n${body}\n  return v0;\n}\n`);
    }
    writeFileSync(
      join(dir, 'index.js'),
      Array.from({ length: count }, (_, i) => `export { f${i} } from './m${i}.js';`).join('\n') + '\n',
    );
    writeFileSync(
      join(root, 'server.mjs'),
      [
        "import * as graph from 'esm-graph-pkg';",
        "import { createServer } from 'node:http';",
        'createServer((req, res) => res.end(String(Object.keys(graph).length))).listen(Number(process.env.PORT));',
        '',
      ].join('\n'),
    );
    const result = await profileImports(plan(variant('esm', 'server.mjs')), {
      runs: 1,
      warmupRuns: 1,
      bench: { timeoutMs: 20_000 },
    });
    const [v] = result.variants;
    expect(v?.failures).toEqual([]);
    const graph = packagesOf(result, 'esm').get('esm-graph-pkg') ?? 0;
    // Loading 300 modules takes the loader well over 10 ms on any machine; their top level
    // (defining one function each) is a small part of that.
    expect(graph).toBeGreaterThan(10);
    const inclusive = v?.packages.find((p) => p.label === 'esm-graph-pkg')?.inclusiveToReadyMs ?? 0;
    expect(inclusive).toBeGreaterThanOrEqual(graph);
  }, 120_000);

  it('reports a run that fails instead of profiling it', async () => {
    writeFileSync(join(root, 'crash.cjs'), "require('heavy-pkg'); process.exit(3);\n");
    const result = await profileImports(plan(variant('crash', 'crash.cjs')), {
      runs: 1,
      warmupRuns: 0,
      bench: { timeoutMs: 10_000 },
    });
    const [v] = result.variants;
    expect(v?.runs).toBe(0);
    expect(v?.failures[0]?.code).toBe('THAW_BENCH_EXITED');
    expect(renderImportProfile(result)).toMatch(/crash: 0 runs[\s\S]*no successful run/);
  }, 60_000);
});

describe('thaw bench imports', () => {
  function io() {
    const out = { stdout: '', stderr: '' };
    return {
      out,
      io: {
        stdout: { write: (t: string) => (out.stdout += t) },
        stderr: { write: (t: string) => (out.stderr += t) },
        cwd: root,
      },
    };
  }

  it('prints the ranked table and the JSON document', async () => {
    const { out, io: streams } = io();
    const code = await runBenchCli(
      [
        'imports',
        '--variant',
        'fn=node server.cjs',
        '--runs',
        '1',
        '--warmup',
        '0',
        '--top',
        '2',
        '--json',
        '--quiet',
      ],
      streams,
    );
    expect(out.stderr).not.toMatch(/thaw bench:/);
    expect(code).toBe(0);
    const json = JSON.parse(out.stdout) as ImportProfileResult;
    expect(json.variants[0]?.variant).toBe('fn');
    expect(out.stderr).toMatch(/fn: 1 runs/);
    expect(out.stderr).toMatch(/\d+ more/);
  }, 60_000);

  it('refuses flags that belong to a measurement', async () => {
    const { out, io: streams } = io();
    const code = await runBenchCli(['imports', '--variant', 'fn=node server.cjs', '--burst', '5'], streams);
    expect(code).toBe(2);
    expect(out.stderr).toMatch(/--burst does not apply to thaw bench imports/);
  });
});
