import { afterEach, describe, expect, it } from 'vitest';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('shutdownDelayMs', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('keeps accepting during the delay, with readiness 503 and Connection: close, then stops', async () => {
    server = await startServer(() => new Response('served'), { shutdownDelayMs: 400 });
    await server.handle.ready;
    const keepAlive = { headers: { connection: 'keep-alive' } };
    expect((await get(server.port, '/', keepAlive)).headers.connection).toBe('keep-alive');
    const startedAt = Date.now();
    const closing = server.handle.close();
    const readiness = await get(server.port, '/readyz');
    expect(readiness.status).toBe(503);
    expect(JSON.parse(readiness.body)).toEqual({ status: 'draining' });
    const during = await get(server.port, '/', keepAlive);
    expect(during).toMatchObject({ status: 200, body: 'served' });
    expect(during.headers.connection).toBe('close');
    await closing;
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(390);
    await expect(get(server.port, '/')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    server = undefined;
  });
});
