import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const entry = pathToFileURL(join(import.meta.dirname, '..', 'src', 'index.ts')).href;

/**
 * Serves `handler` (source text) in a fresh process, answers one request, and says whether Node's
 * fetch implementation (undici, behind Request/Response/Headers) was loaded at each step.
 */
function fetchLoadedAt(handler: string): Record<string, boolean> {
  const script = `
    const loaded = () => process.moduleLoadList.some((name) => name.includes('undici'));
    const steps = {};
    const runtime = await import(${JSON.stringify(entry)});
    steps.imported = loaded();
    const handle = runtime.serve(${handler}, {
      port: 0, host: '127.0.0.1', handleSignals: false, startupReport: 'off',
      logger: { info() {}, warn() {}, error() {} },
    });
    const { port } = await handle.listening;
    steps.listening = loaded();
    await new Promise((resolve) => setTimeout(resolve, 50));
    steps.idle = loaded();
    const { get } = process.getBuiltinModule('node:http');
    const status = await new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/' }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
      }).on('error', reject);
    });
    if (status !== 200) throw new Error('unexpected status ' + status);
    steps.answered = loaded();
    await handle.close();
    console.log(JSON.stringify(steps));
  `;
  const result = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, boolean>;
}

describe("Node's fetch implementation", () => {
  it('is never loaded for a Node listener, not even by importing node:http', () => {
    expect(fetchLoadedAt(`runtime.fromNodeListener((request, response) => response.end('ok'))`)).toEqual({
      imported: false,
      listening: false,
      idle: false,
      answered: false,
    });
  });

  it('is never loaded for a web handler answering with a string body, not even while idle', () => {
    expect(fetchLoadedAt(`() => new Response('ok')`)).toEqual({
      imported: false,
      listening: false,
      idle: false,
      answered: false,
    });
  });

  it('is never loaded for a web handler that reads the URL, headers and signal and answers Response.json', () => {
    const handler = `(request) => Response.json({
      path: new URL(request.url).pathname,
      agent: request.headers.get('user-agent'),
      aborted: request.signal.aborted,
    }, { headers: new Headers({ 'x-kind': 'json' }) })`;
    expect(fetchLoadedAt(handler)).toEqual({
      imported: false,
      listening: false,
      idle: false,
      answered: false,
    });
  });
});
