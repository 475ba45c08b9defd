// The traced-pools function bundled by `thaw slim` and started from a folder of its own: pg and
// ioredis are bundled behind require stubs, and thaw's SDK, loaded after the first response, must
// still patch them. Uses the built packages (`npx nx run-many -t build`), as a user's build would.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clientChildren,
  runTracedPoolsScenario,
  secondTraceparent,
  serverSpan,
  type ScenarioRun,
} from './traced-pools-scenario.ts';

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
const cli = join(repoRoot, 'packages', 'cli', 'dist', 'main.js');
const runtimeDist = join(repoRoot, 'packages', 'runtime', 'dist', 'index.js');
const dependencies = [
  'pg',
  'ioredis',
  '@opentelemetry/api',
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/instrumentation-ioredis',
];

/** A function project laid out as npm would install it, with the traced-pools fixture as its entry. */
function scratchProject(dir: string): void {
  const fixture = readFileSync(fileURLToPath(new URL('fixtures/traced-pools.ts', import.meta.url)), 'utf8');
  writeFileSync(
    join(dir, 'index.ts'),
    fixture
      .replace("'../../../src/index.ts'", "'@thaw/runtime'")
      .replace("'../../../src/pools/index.ts'", "'@thaw/runtime/pools'"),
  );
  const manifest = {
    name: 'traced-pools',
    version: '1.0.0',
    type: 'module',
    main: 'index.ts',
    dependencies: Object.fromEntries(['@thaw/runtime', ...dependencies].map((name) => [name, '*'])),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const link = (name: string, target: string): void => {
    const at = join(dir, 'node_modules', name);
    mkdirSync(dirname(at), { recursive: true });
    symlinkSync(target, at, 'dir');
  };
  link('@thaw/runtime', join(repoRoot, 'packages', 'runtime'));
  for (const name of dependencies) link(name, join(repoRoot, 'node_modules', name));
}

describe('a slimmed function with critical pg and Redis pools, traced by thaw’s own SDK', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'thaw-slim-traced-pools-'));
  let run: ScenarioRun;
  let withModuleSpans: ScenarioRun;
  let stubs: string[];

  beforeAll(async () => {
    if (!existsSync(cli) || !existsSync(runtimeDist)) {
      throw new Error('This test slims with the built packages: run `npx nx run-many -t build` first.');
    }
    const project = join(scratch, 'project');
    mkdirSync(project);
    scratchProject(project);
    execFileSync(process.execPath, [cli, 'slim', '--out', join(scratch, 'deploy')], {
      cwd: project,
      stdio: 'pipe',
    });
    // Run from a folder of its own: nothing of the project's node_modules is reachable.
    const deployed = join(scratch, 'run');
    cpSync(join(scratch, 'deploy'), deployed, { recursive: true });
    rmSync(project, { recursive: true, force: true });
    stubs = ['pg', 'pg-pool', 'ioredis'].filter((name) =>
      existsSync(join(deployed, 'node_modules', name, 'index.js')),
    );
    run = await runTracedPoolsScenario(join(deployed, 'index.js'), deployed);
    withModuleSpans = await runTracedPoolsScenario(join(deployed, 'index.js'), deployed, ['/second'], {
      THAW_OTEL_MODULE_SPANS: '1',
    });
  }, 180_000);

  afterAll(() => {
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps pg, pg-pool and ioredis behind require stubs, and answers every request', () => {
    expect(stubs).toEqual(['pg', 'pg-pool', 'ioredis']);
    expect(run.responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(run.exit.code).toBe(0);
    expect(run.stderr).not.toContain('thaw.telemetry.error');
  });

  it('has not resolved the SDK at ready', () => {
    const atReady = run.messages.find((m) => m['type'] === 'test:at-ready')!;
    expect(atReady['sdkMs']).toBeNull();
  });

  it('nests live pg and Redis spans under a later invocation, in the caller’s trace', () => {
    const second = serverSpan(run.spans, '/second')!;
    expect(second.traceId).toBe(secondTraceparent.split('-')[1]);
    const names = clientChildren(run.spans, second).map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining([expect.stringMatching(/^pg\.query/), 'pg-pool.connect', 'set', 'get']),
    );
  });

  it('exports the invocation answered just before SIGTERM with its pg and Redis spans', () => {
    const last = serverSpan(run.spans, '/last')!;
    const names = clientChildren(run.spans, last).map((span) => span.name);
    expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/^pg\.query/), 'set', 'get']));
  });

  it('replays the first invocation and the cold start root with its phases', () => {
    const first = serverSpan(run.spans, '/first')!;
    expect(first.attributes).toMatchObject({ 'faas.coldstart': true, 'thaw.replayed': true });
    const root = run.spans.find((span) => span.name === 'cold start')!;
    // The light path's packages are what the function installed; sdk-node is not.
    expect(root.attributes['thaw.tracing.sdk']).toBe('light');
    const phases = run.spans.filter((span) => span.parentSpanId === root.spanId).map((span) => span.name);
    expect(phases).toEqual(
      expect.arrayContaining(['init postgres', 'init redis', 'ready', 'tracing sdk load']),
    );
  });

  it('has no module-load spans and starts no profiler when THAW_OTEL_MODULE_SPANS is unset', () => {
    expect(run.spans.filter((span) => span.attributes['thaw.phase.kind'] === 'module')).toEqual([]);
    const atReady = run.messages.find((m) => m['type'] === 'test:at-ready')!;
    expect(atReady).toMatchObject({ inspectorLoaded: false, moduleProfile: false });
  });

  it('with THAW_OTEL_MODULE_SPANS=1, names its heaviest packages in module-load spans of the cold start', () => {
    expect(withModuleSpans.responses.map((r) => r.status)).toEqual([200, 200]);
    expect(withModuleSpans.stderr).not.toContain('thaw.telemetry.error');
    const root = withModuleSpans.spans.find((span) => span.name === 'cold start')!;
    expect(root.attributes).toMatchObject({
      'thaw.module_profile.interval_us': 500,
      'thaw.module_profile.until': 'first response',
    });
    const modules = withModuleSpans.spans.filter(
      (span) => span.parentSpanId === root.spanId && span.attributes['thaw.phase.kind'] === 'module',
    );
    // pg and ioredis are bundled behind stubs: the bundle's source map names them.
    const names = modules.map((span) => span.attributes['thaw.module.package']);
    expect(names).toEqual(expect.arrayContaining(['pg', 'ioredis']));
    const rootMs = Number(root.endNs - root.startNs) / 1e6;
    let selfTotalMs = 0;
    for (const span of modules) {
      const durationMs = Number(span.endNs - span.startNs) / 1e6;
      const self = span.attributes['thaw.module.self_ms'] as number;
      expect(span.name).toBe(`module ${String(span.attributes['thaw.module.package'])}`);
      expect(durationMs).toBeCloseTo(self, 0);
      expect(self).toBeGreaterThan(0);
      expect(span.attributes['thaw.module.inclusive_ms'] as number).toBeGreaterThanOrEqual(self);
      expect(span.startNs).toBeGreaterThanOrEqual(root.startNs);
      expect(span.endNs).toBeLessThanOrEqual(root.endNs);
      selfTotalMs += self;
    }
    // Self times do not overlap: together they fit in the cold start.
    expect(selfTotalMs).toBeLessThan(rootMs);
    const atReady = withModuleSpans.messages.find((m) => m['type'] === 'test:at-ready')!;
    expect(atReady).toMatchObject({ inspectorLoaded: true, moduleProfile: true });
  });
});
