import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageDir = join(import.meta.dirname, '..');
const built = existsSync(join(packageDir, 'dist', 'index.js'));
const scratch: string[] = [];

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Runs an ES module body in a fresh Node process and returns the JSON it prints last. */
function runModule(body: string): unknown {
  const result = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', body], {
    cwd: packageDir,
    encoding: 'utf8',
    env: { ...process.env, PORT: '0' },
    timeout: 20_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as unknown;
}

/** A copy of the built package in its own folder, as a second install of it would be. */
function copyOfPackage(): string {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-runtime-copy-'));
  scratch.push(dir);
  cpSync(join(packageDir, 'dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(packageDir, 'package.json'), join(dir, 'package.json'));
  return dir;
}

describe.skipIf(!built)('the built package', () => {
  it('loads a handful of its own files on import, and the CloudEvents and tracing code only on use', () => {
    const files = runModule(`
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(specifier, context, next) { const result = next(specifier, context); seen.push(result.url); return result; } });
      await import('@thaw/runtime');
      console.log(JSON.stringify([...new Set(seen.filter((url) => url.startsWith('file:')))]));
    `) as string[];
    expect(files.some((url) => url.endsWith('/dist/index.js'))).toBe(true);
    expect(files.every((url) => url.includes('/dist/'))).toBe(true);
    // One file per source module was 29 files; the build puts the entry's whole static graph into
    // one chunk, so the import reads the entry and that chunk.
    expect(files.length).toBeLessThanOrEqual(2);
    expect(files.filter((url) => /\/(handler|install)[-.]/.test(url))).toEqual([]);
  });

  it('keeps the optional peers as bare imports, never inlined into the bundle', () => {
    const peers = runModule(`
      import { readdirSync, readFileSync } from 'node:fs';
      import { join } from 'node:path';
      const found = {};
      for (const entry of readdirSync('dist', { recursive: true })) {
        if (!String(entry).endsWith('.js')) continue;
        const text = readFileSync(join('dist', String(entry)), 'utf8');
        for (const peer of ['pg', 'ioredis', 'generic-pool', 'cloudevents', '@opentelemetry/api', '@opentelemetry/sdk-node']) {
          if (text.includes('import("' + peer + '")')) found[peer] = true;
        }
        if (/node_modules\\//.test(text)) found.inlined = String(entry);
      }
      console.log(JSON.stringify(found));
    `);
    expect(peers).toEqual({
      pg: true,
      ioredis: true,
      'generic-pool': true,
      cloudevents: true,
      '@opentelemetry/api': true,
      '@opentelemetry/sdk-node': true,
    });
  });

  it('takes node:http and node:fs from process.getBuiltinModule, never from an ES import of them', () => {
    // An ES import of node:http loads Node's fetch implementation and one of node:fs its stream
    // classes (their namespaces evaluate lazy getters): milliseconds at startup for nothing.
    const imports = runModule(`
      import { readdirSync, readFileSync } from 'node:fs';
      import { join } from 'node:path';
      const found = [];
      for (const entry of readdirSync('dist', { recursive: true })) {
        if (!String(entry).endsWith('.js') || /install-/.test(String(entry))) continue;
        const text = readFileSync(join('dist', String(entry)), 'utf8');
        for (const match of text.matchAll(/from "(node:(?:http|fs))"/g)) found.push(String(entry) + ' ' + match[1]);
      }
      console.log(JSON.stringify(found));
    `);
    expect(imports).toEqual([]);
  });

  it('starts the module profile from the @thaw/runtime/module-spans preload, one per process', () => {
    const body = `await import('@thaw/runtime');
      const state = globalThis[Symbol.for('thaw.runtime.module-profile')];
      console.log(JSON.stringify({
        inspector: process.moduleLoadList.includes('NativeModule inspector'),
        sampling: state?.session !== undefined,
      }));`;
    const result = spawnSync(
      process.execPath,
      ['--no-warnings', '--import', '@thaw/runtime/module-spans', '--input-type=module', '-e', body],
      {
        cwd: packageDir,
        encoding: 'utf8',
        env: { ...process.env, THAW_OTEL_MODULE_SPANS: '' },
        timeout: 20_000,
      },
    );
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ inspector: true, sampling: true });
  });

  it('shares lifecycle hooks, initializers and handler kinds between two copies in one process', () => {
    const first = pathToFileURL(join(copyOfPackage(), 'dist', 'index.js')).href;
    const second = pathToFileURL(join(copyOfPackage(), 'dist', 'index.js')).href;
    const shared = runModule(`
      const a = await import(${JSON.stringify(first)});
      const b = await import(${JSON.stringify(second)});
      a.init('db', () => 1, { when: 'on-demand' });
      let duplicate = 'accepted';
      try { b.init('db', () => 2, { when: 'on-demand' }); } catch (error) { duplicate = error.code; }
      const handle = b.serve(a.fromNodeListener((request, response) => response.end('from a')), {
        port: 0, host: '127.0.0.1', handleSignals: false, startupReport: 'off',
        logger: { info() {}, warn() {}, error() {} },
      });
      const { port } = await handle.listening;
      const body = await new Promise((resolve, reject) => {
        import('node:http').then(({ get }) => get({ host: '127.0.0.1', port, path: '/' }, (response) => {
          let text = ''; response.setEncoding('utf8');
          response.on('data', (chunk) => { text += chunk; }); response.on('end', () => resolve(text));
        }).on('error', reject), reject);
      });
      await handle.close();
      a.onShutdown('from a', () => undefined);
      const sameHooks = b.lifecycle().disposers.some((d) => d.name === 'from a');
      console.log(JSON.stringify({ sameHooks, duplicate, body, distinctCopies: a.serve !== b.serve }));
    `);
    expect(shared).toEqual({
      sameHooks: true,
      duplicate: 'THAW_INIT_DUPLICATE',
      body: 'from a',
      distinctCopies: true,
    });
  });
});
