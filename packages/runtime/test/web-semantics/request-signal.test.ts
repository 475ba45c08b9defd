import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRuntimeState, startServer, type TestServer } from '../support/in-process.ts';
import { send } from './client.ts';

describe('a web handler’s request.signal', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('aborts when the client disconnects before the answer', async () => {
    let aborted: (value: boolean) => void = () => undefined;
    const sawAbort = new Promise<boolean>((resolve) => (aborted = resolve));
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    server = await startServer(
      (request) =>
        new Promise<Response>((resolve) => {
          request.signal.addEventListener('abort', () => {
            aborted(request.signal.aborted);
            resolve(new Response('too late'));
          });
          entered();
        }),
    );
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/', agent: false });
    req.on('error', () => undefined);
    req.end();
    await inHandler;
    req.destroy();
    expect(await sawAbort).toBe(true);
  });

  it('is aborted already when first read after the client left', async () => {
    let report: (value: boolean) => void = () => undefined;
    const seen = new Promise<boolean>((resolve) => (report = resolve));
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    server = await startServer(async (request, ctx) => {
      entered();
      await new Promise((resolve) => setTimeout(resolve, 200));
      report(request.signal.aborted && !ctx.signal.aborted);
      return new Response('late');
    });
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path: '/', agent: false });
    req.on('error', () => undefined);
    req.end();
    await inHandler;
    req.destroy();
    expect(await seen).toBe(true);
  });

  it('stays quiet while the process drains (that is ctx.signal) and after a normal answer', async () => {
    let states: { request: boolean; ctx: boolean } | undefined;
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    let kept: Request | undefined;
    server = await startServer(
      (request, ctx) =>
        new Promise<Response>((resolve) => {
          kept = request;
          entered();
          ctx.signal.addEventListener('abort', () => {
            states = { request: request.signal.aborted, ctx: ctx.signal.aborted };
            resolve(new Response('drained'));
          });
        }),
    );
    const pending = send(server.port, '/');
    await inHandler;
    const closing = server.handle.close();
    expect((await pending).body.toString()).toBe('drained');
    await closing;
    server = undefined;
    expect(states).toEqual({ request: false, ctx: true });
    expect(kept?.signal.aborted).toBe(false);
  });
});
