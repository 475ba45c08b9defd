import { afterEach, describe, expect, it } from 'vitest';
import { resetRuntimeState, startServer, type TestServer } from '../support/in-process.ts';
import { send } from './client.ts';

describe('a web handler’s request headers', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('are a Headers with repeated values combined, names lower-cased and sorted, and pass into new Request', async () => {
    server = await startServer((request) => {
      const copy = new Request('http://upstream.test/', { headers: request.headers });
      return Response.json({
        isHeaders: request.headers instanceof Headers,
        isRequest: request instanceof Request,
        tag: request.headers.get('X-Tag'),
        names: [...request.headers.keys()].filter((name) => name.startsWith('x-')),
        copied: copy.headers.get('x-tag'),
        method: request.method,
        url: request.url,
      });
    });
    const received = await send(server.port, '/path?q=1', {
      headers: { 'X-Tag': ['a', 'b'], 'x-Alpha': '1' },
    });
    expect(JSON.parse(received.body.toString())).toEqual({
      isHeaders: true,
      isRequest: true,
      tag: 'a, b',
      names: ['x-alpha', 'x-tag'],
      copied: 'a, b',
      method: 'GET',
      url: `http://127.0.0.1:${server.port}/path?q=1`,
    });
  });

  it('can be changed by the handler without touching what the next request sees', async () => {
    server = await startServer((request) => {
      const before = request.headers.get('x-mine');
      request.headers.set('x-mine', 'changed');
      return new Response(`${before} ${request.headers.get('x-mine')}`);
    });
    const first = await send(server.port, '/', { headers: { 'x-mine': 'sent' } });
    const second = await send(server.port, '/', { headers: { 'x-mine': 'again' } });
    expect([first.body.toString(), second.body.toString()]).toEqual(['sent changed', 'again changed']);
  });

  it('send every set-cookie of the response as its own header line, other repeats combined', async () => {
    server = await startServer(() => {
      const headers = new Headers();
      headers.append('set-cookie', 'a=1; Path=/');
      headers.append('set-cookie', 'b=2; HttpOnly');
      headers.append('vary', 'accept');
      headers.append('vary', 'origin');
      return new Response('ok', { headers });
    });
    const received = await send(server.port, '/');
    expect(received.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(received.headers.vary).toBe('accept, origin');
    expect(received.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(received.headers['content-length']).toBe('2');
  });
});
