import { readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { slim, type SlimReport } from '../src/slim.ts';
import { formatSizeReport } from '../src/size-report.ts';
import { services } from '../../../test/support/services.ts';
import { fixtureProject } from './support/fixture-project.ts';
import { recordingLogger } from './support/quiet-logger.ts';
import { runDeploy, type RunningDeploy } from './support/run-deploy.ts';

describe('a slimmed pg + ioredis + OpenTelemetry function with a native addon', () => {
  let project: string;
  let report: SlimReport;
  let running: RunningDeploy;

  beforeAll(async () => {
    project = fixtureProject('traced-fn');
    report = await slim({ projectDir: project, logger: recordingLogger() });
    running = await runDeploy(report.outDir, {
      DATABASE_URL: services.postgresUrl,
      REDIS_URL: services.redisUrl,
    });
  });

  afterAll(async () => {
    await running.stop();
    rmSync(running.dir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  test('answers over HTTP from a scratch folder, talking to the real Postgres and Redis', async () => {
    expect(await running.get('/db')).toEqual({ status: 200, body: { two: 2 } });
    expect(await running.get('/cache')).toEqual({ status: 200, body: { value: 'cached' } });
  });

  test('loads the native addon and the data file it reads at run time', async () => {
    expect(await running.get('/native')).toEqual({ status: 200, body: { answer: 42, table: { rows: 3 } } });
  });

  test('an optional require of a missing package still fails softly, as it did before bundling', async () => {
    expect(await running.get('/optional')).toEqual({ status: 200, body: { hasOptionalNative: false } });
    expect(report.size.optionalMissing).toEqual(
      expect.arrayContaining(['fixture-optional-native', 'pg-native']),
    );
  });

  test('a dynamic import stays lazy: its package is in a chunk of its own that still works', async () => {
    const entry = readFileSync(join(report.outDir, 'index.js'), 'utf8');
    const chunks = readdirSync(join(report.outDir, 'chunks'));
    const lazy = chunks.find((name) => name.startsWith('generic-pool-') && name.endsWith('.js'));
    expect(lazy).toBeDefined();
    expect(entry).toContain(`import("./chunks/${lazy!}")`);
    expect(entry).not.toContain('_waitingClientsQueue');
    expect(await running.get('/lazy')).toMatchObject({ status: 200, body: { made: 1 } });
  });

  test('keeps the native package out of the bundle and says why', () => {
    expect(report.unbundled).toEqual([
      {
        name: 'thaw-fixture-addon',
        reason: 'native addon node_modules/thaw-fixture-addon/build/Release/addon.node',
      },
    ]);
  });

  test('bundles the instrumented packages behind require stubs that carry their name and version', () => {
    expect(report.stubbed).toEqual(['ioredis', 'pg', 'pg-pool']);
    expect(report.size.stubbed).toEqual(['ioredis', 'pg', 'pg-pool']);
    expect(formatSizeReport(report.size)).toContain(
      "bundled behind require stubs, so OpenTelemetry's hooks patch them: ioredis, pg, pg-pool",
    );
    const stub = JSON.parse(
      readFileSync(join(report.outDir, 'node_modules/pg/package.json'), 'utf8'),
    ) as unknown;
    const real = JSON.parse(readFileSync(join(project, 'node_modules/pg/package.json'), 'utf8')) as {
      version: string;
    };
    expect(stub).toEqual({ name: 'pg', version: real.version, main: 'index.js' });
    expect(readdirSync(join(report.outDir, 'node_modules/pg')).sort()).toEqual(['index.js', 'package.json']);
  });

  test('thaw-slim.json lists exactly the runtime files, sorted, with sizes, reasons and layers', () => {
    const manifest = JSON.parse(
      readFileSync(join(report.outDir, 'thaw-slim.json'), 'utf8'),
    ) as SlimReport['manifest'];
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toEqual([...paths].sort());
    expect(paths).toContain('node_modules/thaw-fixture-addon/build/Release/addon.node');
    expect(paths).toContain('node_modules/thaw-fixture-addon/data/table.json');
    expect(paths).toContain('node_modules/pg/package.json');
    expect(paths.some((p) => p.startsWith('node_modules/@opentelemetry/'))).toBe(false);
    for (const file of manifest.files) {
      expect(file.size).toBe(readFileSync(join(report.outDir, file.path)).length);
      expect(file.layer).toBe(
        file.path === 'package.json' || file.path.startsWith('node_modules/') ? 'dependencies' : 'app',
      );
      expect(file.reason).not.toBe('');
    }
    for (const beside of [
      'Dockerfile',
      '.dockerignore',
      'knative/service.yaml',
      'size-report.json',
      'thaw-slim.json',
    ]) {
      expect(paths).not.toContain(beside);
    }
    expect(manifest).toMatchObject({
      version: 1,
      entry: 'index.js',
      node: { major: Number(process.versions.node.split('.')[0]) },
    });
  });

  test('writes a minimal package.json with the module type and engines and no dependencies', () => {
    const pkg = JSON.parse(readFileSync(join(report.outDir, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(pkg).toEqual({
      name: '@fixtures/traced-fn',
      version: '1.0.0',
      private: true,
      type: 'module',
      engines: { node: '^22.12.0 || ^24.0.0' },
    });
  });

  test('the size report compares the production closure with the deploy folder', () => {
    const size = report.size;
    expect(size.input.packages).toBeGreaterThan(20);
    expect(size.output.bytes).toBe(report.manifest.files.reduce((sum, f) => sum + f.size, 0));
    expect(size.ratio).toBeCloseTo(size.output.bytes / size.input.bytes, 3);
    expect(size.heaviest).toHaveLength(10);
    expect(size.heaviest.find((m) => m.name === 'ioredis')?.became).toMatch(
      /^bundled: .* of code; require stub for OpenTelemetry's hook: 2 files/,
    );
  });
});
