import { afterEach, describe, expect, it } from 'vitest';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('a web-standard handler', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('gets the method, URL, headers and body, and its status, headers, cookies and streamed body are sent', async () => {
    server = await startServer(async (request, ctx) => {
      const body = await request.text();
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(`${request.method} ${new URL(request.url).search} `));
          controller.enqueue(
            new TextEncoder().encode(`${request.headers.get('x-custom') ?? ''} ${body} ${ctx.coldStart}`),
          );
          controller.close();
        },
      });
      const headers = new Headers({ 'content-type': 'text/plain', 'x-answer': '42' });
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; Path=/');
      return new Response(stream, { status: 202, headers });
    });
    const response = await get(server.port, '/echo?q=1', {
      method: 'PUT',
      headers: { 'x-custom': 'hdr', 'content-type': 'text/plain' },
      body: 'payload',
    });
    expect(response.status).toBe(202);
    expect(response.body).toBe('PUT ?q=1 hdr payload true');
    expect(response.headers['x-answer']).toBe('42');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    const second = await get(server.port, '/echo', { method: 'POST', body: 'x' });
    expect(second.body).toBe('POST   x false');
  });

  it('answers HEAD without a body', async () => {
    server = await startServer(() => new Response('not sent', { headers: { 'x-kind': 'head' } }));
    const response = await get(server.port, '/', { method: 'HEAD' });
    expect(response).toMatchObject({ status: 200, body: '' });
    expect(response.headers['x-kind']).toBe('head');
  });

  it('sees ctx.signal abort when draining starts, and its answer is still delivered', async () => {
    let entered: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    server = await startServer(
      (_request, ctx) =>
        new Promise<Response>((resolve) => {
          entered();
          ctx.signal.addEventListener('abort', () => {
            resolve(new Response(`aborted: ${(ctx.signal.reason as Error).message}`));
          });
        }),
    );
    const pending = get(server.port, '/long');
    await inHandler;
    const closing = server.handle.close();
    const response = await pending;
    await closing;
    server = undefined;
    expect(response.status).toBe(200);
    expect(response.headers.connection).toBe('close');
    expect(response.body).toBe('aborted: The process is shutting down.');
  });
});
