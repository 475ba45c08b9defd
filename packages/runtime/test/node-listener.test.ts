import { afterEach, describe, expect, it } from 'vitest';
import { contextOf, fromNodeListener } from '../src/index.ts';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('a wrapped Node listener', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    resetRuntimeState();
  });

  it('serves an unchanged (req, res) app, with health answered before it and the context reachable from req', async () => {
    const seen: string[] = [];
    server = await startServer(
      fromNodeListener((req, res) => {
        seen.push(req.url ?? '');
        const ctx = contextOf(req);
        res.setHeader('content-type', 'text/plain');
        res.end(`${req.method} ${req.url} cold=${String(ctx?.coldStart)} id=${ctx?.invocationId ?? ''}`);
      }),
      { env: { K_SERVICE: 'legacy-app' } },
    );
    expect((await get(server.port, '/healthz')).status).toBe(200);
    expect((await get(server.port, '/readyz')).status).toBe(200);
    expect((await get(server.port, '/a?x=1', { headers: { 'x-request-id': 'r1' } })).body).toBe(
      'GET /a?x=1 cold=true id=r1',
    );
    expect((await get(server.port, '/b', { method: 'DELETE', headers: { 'x-request-id': 'r2' } })).body).toBe(
      'DELETE /b cold=false id=r2',
    );
    expect(seen).toEqual(['/a?x=1', '/b']);
  });

  it('answers 500 when the listener throws, and keeps serving', async () => {
    server = await startServer(
      fromNodeListener((req, res) => {
        if (req.url === '/boom') throw new Error('listener broke');
        res.end('fine');
      }),
    );
    expect((await get(server.port, '/boom')).status).toBe(500);
    expect((await get(server.port, '/')).body).toBe('fine');
  });
});
