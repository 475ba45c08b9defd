import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const sourceEntry = pathToFileURL(join(packageDir, 'src', 'index.ts')).href;
const heavy =
  /\/node_modules\/(cloudevents|@opentelemetry\/[^/]+|pg|pg-[^/]+|ioredis|generic-pool|ajv|uuid)\//;

/**
 * Runs `then` (a script body with `runtime` in scope) in a fresh Node process after importing
 * `entry`, and returns every module URL resolved in that process, recorded by a resolve hook.
 */
function resolvedModules(entry: string, then = ''): string[] {
  const script = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.push(result.url); return result; } });
    const runtime = await import(${JSON.stringify(entry)});
    ${then}
    console.log(JSON.stringify(seen));
  `;
  const result = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
    env: { ...process.env, PORT: '0' },
    timeout: 20_000,
  });
  expect(result.stderr.split('\n').filter((line) => line !== '' && !line.includes('"level":"info"'))).toEqual(
    [],
  );
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as string[];
}

/** Whether importing `entry` in a fresh process (with `env` added) loads Node's inspector module. */
function loadsInspector(entry: string, env: Record<string, string> = {}): boolean {
  const script = `await import(${JSON.stringify(entry)});
    console.log(JSON.stringify(process.moduleLoadList.includes('NativeModule inspector')));`;
  const result = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
    env: { ...process.env, THAW_OTEL_MODULE_SPANS: '', ...env },
    timeout: 20_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout.trim()) as boolean;
}

describe('import cost', () => {
  it('importing the runtime starts no profiler and loads no inspector unless THAW_OTEL_MODULE_SPANS=1', () => {
    expect(loadsInspector(sourceEntry)).toBe(false);
    expect(loadsInspector(sourceEntry, { THAW_OTEL_MODULE_SPANS: '0' })).toBe(false);
    // The same check sees the inspector when module spans are on.
    expect(loadsInspector(sourceEntry, { THAW_OTEL_MODULE_SPANS: '1' })).toBe(true);
  });

  it('importing the runtime loads no cloudevents, OpenTelemetry, pg, ioredis or generic-pool', () => {
    const modules = resolvedModules(sourceEntry);
    expect(modules.some((url) => url.endsWith('/src/serve.ts'))).toBe(true);
    expect(modules.filter((url) => heavy.test(url))).toEqual([]);
  });

  it('serving a web handler loads none of them either', () => {
    const modules = resolvedModules(
      sourceEntry,
      `const handle = runtime.serve(() => new Response('ok'), { port: 0, host: '127.0.0.1', handleSignals: false, startupReport: 'off' });
       await handle.ready; await handle.close();`,
    );
    expect(modules.filter((url) => heavy.test(url))).toEqual([]);
  });

  it('installMetrics() loads the metrics page only at the first scrape', () => {
    const serveWithMetrics = `runtime.installMetrics();
       const handle = runtime.serve(() => new Response('ok'), { port: 0, host: '127.0.0.1', handleSignals: false, startupReport: 'off' });
       await handle.ready;
       await fetch('http://127.0.0.1:' + handle.address.port + '/');`;
    const beforeScrape = resolvedModules(sourceEntry, `${serveWithMetrics} await handle.close();`);
    expect(beforeScrape.filter((url) => url.endsWith('/src/metrics/render.ts'))).toEqual([]);
    const afterScrape = resolvedModules(
      sourceEntry,
      `${serveWithMetrics}
       const page = await (await fetch('http://127.0.0.1:' + handle.address.port + '/metrics')).text();
       if (!page.includes('thaw_request_duration_seconds_count{trigger="http",status_class="2xx"} 1')) throw new Error(page);
       await handle.close();`,
    );
    expect(afterScrape.some((url) => url.endsWith('/src/metrics/render.ts'))).toBe(true);
    expect(afterScrape.filter((url) => heavy.test(url))).toEqual([]);
  });

  it('serving a CloudEvents handler loads the cloudevents SDK (so the check above can see it)', () => {
    const modules = resolvedModules(
      sourceEntry,
      `const handle = runtime.serve(runtime.cloudEvent(() => undefined), { port: 0, host: '127.0.0.1', handleSignals: false, startupReport: 'off' });
       await handle.ready;
       const headers = { 'ce-id': '1', 'ce-source': '/test', 'ce-type': 'test', 'ce-specversion': '1.0' };
       const response = await fetch('http://127.0.0.1:' + handle.address.port + '/', { method: 'POST', headers });
       if (response.status !== 204) throw new Error('unexpected status ' + response.status);
       await handle.close();`,
    );
    expect(modules.some((url) => /\/node_modules\/cloudevents\//.test(url))).toBe(true);
  });

  it.skipIf(!existsSync(join(packageDir, 'dist', 'index.js')))(
    "import('@thaw/runtime'), the built package, loads none of them",
    () => {
      const modules = resolvedModules('@thaw/runtime');
      expect(modules.some((url) => url.endsWith('/dist/index.js'))).toBe(true);
      expect(modules.filter((url) => heavy.test(url))).toEqual([]);
    },
  );
});
