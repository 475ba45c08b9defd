import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRuntimeState, startServer, type TestServer } from '../support/in-process.ts';
import { send } from './client.ts';

describe('a web handler’s request body', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('reads as text, JSON, bytes and an ArrayBuffer', async () => {
    server = await startServer(async (request) => {
      const kind = new URL(request.url).pathname;
      if (kind === '/json') return Response.json(await request.json());
      if (kind === '/bytes') {
        // `bytes()` is newer than the Request type this project compiles against.
        const bytes = await (request as Request & { bytes(): Promise<Uint8Array> }).bytes();
        return new Response(String(bytes.length));
      }
      if (kind === '/buffer') return new Response(String((await request.arrayBuffer()).byteLength));
      return new Response(await request.text());
    });
    const body = JSON.stringify({ a: 'ü', n: [1] });
    const text = await send(server.port, '/text', { method: 'POST', body });
    const json = await send(server.port, '/json', { method: 'PUT', body });
    const bytes = await send(server.port, '/bytes', { method: 'POST', body });
    const buffer = await send(server.port, '/buffer', { method: 'PATCH', body });
    expect([
      text.body.toString(),
      json.body.toString(),
      bytes.body.toString(),
      buffer.body.toString(),
    ]).toEqual([body, body, String(Buffer.byteLength(body)), String(Buffer.byteLength(body))]);
  });

  it('read twice fails with a TypeError, as the standard says, and bodyUsed turns true', async () => {
    server = await startServer(async (request) => {
      const before = request.bodyUsed;
      await request.text();
      const again = await request.text().then(
        () => 'read again',
        (error: unknown) => (error as Error).constructor.name,
      );
      const clone = (() => {
        try {
          request.clone();
          return 'cloned';
        } catch (error) {
          return (error as Error).constructor.name;
        }
      })();
      return Response.json({ before, after: request.bodyUsed, again, clone });
    });
    const received = await send(server.port, '/', { method: 'POST', body: 'once' });
    expect(JSON.parse(received.body.toString())).toEqual({
      before: false,
      after: true,
      again: 'TypeError',
      clone: 'TypeError',
    });
  });

  it('is null for GET, HEAD and an empty POST, and reads as an empty string', async () => {
    server = await startServer(async (request) =>
      Response.json({ isNull: request.body === null, text: await request.text() }),
    );
    for (const method of ['GET', 'POST', 'DELETE']) {
      const received = await send(server.port, '/', { method });
      expect(JSON.parse(received.body.toString())).toEqual({ isNull: true, text: '' });
    }
  });

  it('reads as form data, and a cloned request reads the same body', async () => {
    server = await startServer(async (request) => {
      const copy = request.clone();
      // eslint-disable-next-line @typescript-eslint/no-deprecated -- an urlencoded form, which it parses well
      const form = await request.formData();
      return Response.json({ name: form.get('name'), copy: await copy.text() });
    });
    const received = await send(server.port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=a+b&x=1',
    });
    expect(JSON.parse(received.body.toString())).toEqual({ name: 'a b', copy: 'name=a+b&x=1' });
  });

  it('streams back as the response body, a large one whole', async () => {
    server = await startServer((request) => new Response(request.body), { maxBodyBytes: 16 * 1024 * 1024 });
    const body = Buffer.alloc(6 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 4096) body[i] = i % 251;
    const received = await send(server.port, '/', { method: 'POST', body });
    expect(received.status).toBe(200);
    expect(received.body.equals(body)).toBe(true);
  });

  it('is pulled from the client only as fast as the handler reads it', async () => {
    const chunkBytes = 64 * 1024;
    const total = 256 * chunkBytes;
    let handlerRead = 0;
    let resumeHandler: () => void = () => undefined;
    const handlerPaused = new Promise<void>((resolve) => (resumeHandler = resolve));
    let firstChunk: () => void = () => undefined;
    const gotFirst = new Promise<void>((resolve) => (firstChunk = resolve));
    server = await startServer(
      async (request) => {
        const reader = (request.body as ReadableStream<Uint8Array>).getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          handlerRead += value.byteLength;
          if (handlerRead === value.byteLength) {
            firstChunk();
            await handlerPaused;
          }
        }
        return new Response(String(handlerRead));
      },
      { maxBodyBytes: total },
    );
    let accepted = 0;
    const answer = new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: server?.port, path: '/', method: 'POST', agent: false },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => {
            resolve(text);
          });
        },
      );
      req.on('error', reject);
      const write = (): void => {
        while (accepted < total) {
          accepted += chunkBytes;
          if (!req.write(Buffer.alloc(chunkBytes, 7))) {
            req.once('drain', write);
            return;
          }
        }
        req.end();
      };
      write();
    });
    await gotFirst;
    await new Promise((resolve) => setTimeout(resolve, 300));
    // While the handler waits, only what the socket buffers hold has left the client.
    const whilePaused = accepted;
    resumeHandler();
    expect(await answer).toBe(String(total));
    expect(whilePaused).toBeLessThan(total / 2);
  });

  it('read as a stream past maxBodyBytes fails, and the client gets a 413', async () => {
    server = await startServer(
      async (request) => {
        const reader = (request.body as ReadableStream<Uint8Array>).getReader();
        for (;;) if ((await reader.read()).done) break;
        return new Response('read it all');
      },
      { maxBodyBytes: 1_000 },
    );
    const received = await send(server.port, '/', {
      method: 'POST',
      headers: { 'transfer-encoding': 'chunked' },
      body: Buffer.alloc(5_000, 97),
    });
    expect(received.status).toBe(413);
    expect(JSON.parse(received.body.toString())).toMatchObject({ error: 'THAW_BODY_TOO_LARGE' });
  });
});
