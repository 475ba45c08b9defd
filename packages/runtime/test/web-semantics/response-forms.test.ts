import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer } from '../support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from '../support/in-process.ts';
import { send } from './client.ts';

describe('a web handler’s response', () => {
  let server: TestServer | undefined;
  let upstream: Server | undefined;
  afterEach(async () => {
    await server?.handle.close();
    await closeServer(upstream);
    server = undefined;
    upstream = undefined;
    resetRuntimeState();
  });

  it('from Response.json carries the JSON, its type, status and length', async () => {
    server = await startServer(() => Response.json({ ok: true, list: [1, 2] }, { status: 201 }));
    const received = await send(server.port, '/');
    expect(received.status).toBe(201);
    expect(received.headers['content-type']).toBe('application/json');
    expect(received.headers['content-length']).toBe(String(received.body.length));
    expect(JSON.parse(received.body.toString())).toEqual({ ok: true, list: [1, 2] });
  });

  it('from Response.redirect carries the status and an absolute Location, and no body', async () => {
    server = await startServer(() => Response.redirect('https://example.com/next?a=1', 303));
    const received = await send(server.port, '/');
    expect([received.status, received.headers.location, received.body.length]).toEqual([
      303,
      'https://example.com/next?a=1',
      0,
    ]);
  });

  it('of bytes, none, or a 204 is sent with the right length', async () => {
    server = await startServer((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/bytes')
        return new Response(new Uint8Array([1, 2, 3]), {
          headers: { 'content-type': 'application/octet-stream' },
        });
      if (path === '/none') return new Response(null, { status: 202 });
      return new Response(null, { status: 204 });
    });
    const bytes = await send(server.port, '/bytes');
    expect([...bytes.body]).toEqual([1, 2, 3]);
    expect(bytes.headers['content-length']).toBe('3');
    const none = await send(server.port, '/none');
    expect([none.status, none.headers['content-length'], none.body.length]).toEqual([202, '0', 0]);
    const noContent = await send(server.port, '/empty');
    expect([noContent.status, noContent.headers['content-length'], noContent.body.length]).toEqual([
      204,
      undefined,
      0,
    ]);
  });

  it('to HEAD has the headers and length of GET and no body, for a stream too', async () => {
    let cancelled = false;
    server = await startServer((request) =>
      new URL(request.url).pathname === '/stream'
        ? new Response(
            new ReadableStream({
              pull(controller) {
                controller.enqueue(new TextEncoder().encode('chunk'));
              },
              cancel() {
                cancelled = true;
              },
            }),
            { headers: { 'x-kind': 'stream' } },
          )
        : new Response('twelve bytes', { headers: { 'x-kind': 'text' } }),
    );
    const get = await send(server.port, '/');
    const head = await send(server.port, '/', { method: 'HEAD' });
    expect([head.status, head.headers['x-kind'], head.headers['content-length'], head.body.length]).toEqual([
      200,
      'text',
      get.headers['content-length'],
      0,
    ]);
    const streamHead = await send(server.port, '/stream', { method: 'HEAD' });
    expect([streamHead.headers['x-kind'], streamHead.body.length, cancelled]).toEqual(['stream', 0, true]);
  });

  it('that is a clone is sent, and the original can still be read', async () => {
    let original = '';
    server = await startServer(async () => {
      const response = new Response('cloned body', { status: 203, headers: { 'x-a': '1' } });
      const copy = response.clone();
      original = await response.text();
      return copy;
    });
    const received = await send(server.port, '/');
    expect([received.status, received.headers['x-a'], received.body.toString(), original]).toEqual([
      203,
      '1',
      'cloned body',
      'cloned body',
    ]);
  });

  it('may be the Response of a fetch(), passed through with its body', async () => {
    upstream = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/x-upstream' });
      res.end('from upstream');
    });
    await new Promise<void>((resolve) => upstream?.listen(0, '127.0.0.1', resolve));
    const { port } = upstream.address() as { port: number };
    server = await startServer(() => fetch(`http://127.0.0.1:${port}/`));
    const received = await send(server.port, '/');
    expect([received.status, received.headers['content-type'], received.body.toString()]).toEqual([
      200,
      'text/x-upstream',
      'from upstream',
    ]);
  });

  it('that is not a Response is refused with a 500 naming the problem', async () => {
    server = await startServer((() => ({ status: 200 })) as unknown as () => Response);
    const received = await send(server.port, '/');
    expect(received.status).toBe(500);
    expect(server.logs.some((line) => line.message.includes('instead of a Response'))).toBe(true);
  });
});
