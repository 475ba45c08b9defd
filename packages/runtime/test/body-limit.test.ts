import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { fromNodeListener } from '../src/index.ts';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

function postChunked(
  port: number,
  chunks: number,
  chunkBytes: number,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'POST', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    // The server may answer and close before every chunk is written.
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    for (let i = 0; i < chunks; i++) req.write(Buffer.alloc(chunkBytes, 97));
    req.end();
  });
}

describe('request body limit', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    resetRuntimeState();
  });

  it('answers 413 to a body over maxBodyBytes, declared or chunked, without completing the handler', async () => {
    let completed = 0;
    server = await startServer(
      async (req) => {
        const text = await req.text();
        completed += 1;
        return new Response(`got ${text.length}`);
      },
      { maxBodyBytes: 1_000 },
    );
    const declared = await get(server.port, '/', { method: 'POST', body: Buffer.alloc(1_001, 97) });
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toMatchObject({ error: 'THAW_BODY_TOO_LARGE' });
    const chunked = await postChunked(server.port, 20, 100);
    expect(chunked.status).toBe(413);
    expect(completed).toBe(0);
    const fits = await get(server.port, '/', { method: 'POST', body: Buffer.alloc(1_000, 97) });
    expect(fits).toMatchObject({ status: 200, body: 'got 1000' });
  });

  it('answers 413 before a Node listener runs when Content-Length is over the limit', async () => {
    let called = 0;
    server = await startServer(
      fromNodeListener((_req, res) => {
        called += 1;
        res.end('ok');
      }),
      { maxBodyBytes: 10 },
    );
    expect((await get(server.port, '/', { method: 'POST', body: 'x'.repeat(11) })).status).toBe(413);
    expect(called).toBe(0);
  });
});
