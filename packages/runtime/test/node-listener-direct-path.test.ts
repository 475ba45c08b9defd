// The Node-listener kind runs without a promise or listeners of thaw's own when nothing wraps
// invocations (the warm path's cheapest form). What that form must still get right: failures,
// oversized bodies, headers it no longer reads itself, streaming with backpressure, HEAD, and
// the same behaviour when a wrapper is installed.
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { wrapInvocations } from '../src/lifecycle.ts';
import { contextOf, fromNodeListener } from '../src/index.ts';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('a Node listener on the direct path', () => {
  let server: TestServer | undefined;
  let unwrap: (() => void) | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    unwrap?.();
    unwrap = undefined;
    resetRuntimeState();
  });

  it('answers 500 with the invocation id when the promise a listener returns rejects', async () => {
    server = await startServer(
      fromNodeListener(async (req, res) => {
        await Promise.resolve();
        if (req.url === '/reject') throw new Error('async listener broke');
        res.end('fine');
      }),
    );
    const rejected = await get(server.port, '/reject', { headers: { 'x-request-id': 'rej-1' } });
    expect(rejected.status).toBe(500);
    expect(JSON.parse(rejected.body)).toEqual({ error: 'Internal Server Error', invocationId: 'rej-1' });
    expect(server.logs.some((line) => line.fields?.invocationId === 'rej-1')).toBe(true);
    expect((await get(server.port, '/ok')).body).toBe('fine');
  });

  it('refuses a declared body over maxBodyBytes with 413 before the listener runs', async () => {
    let ran = 0;
    server = await startServer(
      fromNodeListener((_req, res) => {
        ran += 1;
        res.end('ran');
      }),
      { maxBodyBytes: 1024 },
    );
    const refused = await get(server.port, '/', { method: 'POST', body: Buffer.alloc(4096, 1) });
    expect(refused.status).toBe(413);
    expect(refused.headers.connection).toBe('close');
    expect(ran).toBe(0);
    const accepted = await get(server.port, '/', { method: 'POST', body: Buffer.alloc(1024, 1) });
    expect(accepted.body).toBe('ran');
  });

  it('treats a warm-up header sent in any case as a warm-up, and leaves other headers to the listener', async () => {
    const seen: Array<string | undefined> = [];
    server = await startServer(
      fromNodeListener((req, res) => {
        seen.push(req.headers['x-thaw-warmup'] as string | undefined);
        res.end('handled');
      }),
    );
    expect((await get(server.port, '/', { headers: { 'X-Thaw-Warmup': '1' } })).status).toBe(204);
    expect((await get(server.port, '/', { headers: { 'x-thaw-warmup': '0' } })).body).toBe('handled');
    expect(seen).toEqual(['0']);
  });

  it('passes repeated request headers and repeated set-cookie answers through unchanged', async () => {
    server = await startServer(
      fromNodeListener((req, res) => {
        res.setHeader('set-cookie', ['a=1; Path=/', 'b=2; HttpOnly']);
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ accept: req.headers.accept, raw: req.rawHeaders.length }));
      }),
    );
    const response = await new Promise<{ cookies: string[] | undefined; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server?.port, path: '/', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          resolve({ cookies: res.headers['set-cookie'], body });
        });
      });
      req.on('error', reject);
      req.setHeader('accept', ['text/html', 'application/json']);
      req.end();
    });
    expect(response.cookies).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
    expect(JSON.parse(response.body)).toMatchObject({ accept: 'text/html, application/json' });
  });

  it('answers HEAD without a body and keeps the declared length', async () => {
    server = await startServer(
      fromNodeListener((_req, res) => {
        res.setHeader('content-length', '5');
        res.end('hello');
      }),
    );
    const head = await get(server.port, '/', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('5');
    expect(head.body).toBe('');
  });

  it('streams a large response with backpressure, written only as fast as the client reads', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    const total = 512;
    let ahead = 0;
    let received = 0;
    server = await startServer(
      fromNodeListener((_req, res) => {
        let written = 0;
        const pump = (): void => {
          while (written < total) {
            written += 1;
            ahead = Math.max(ahead, written * chunk.length - received);
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      }),
    );
    const bytes = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: server?.port, path: '/', agent: false }, (res) => {
        res.on('data', (data: Buffer) => {
          received += data.length;
          res.pause();
          setTimeout(() => res.resume(), 1).unref();
        });
        res.on('end', () => {
          resolve(received);
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(bytes).toBe(total * chunk.length);
    // Without backpressure all 32 MiB would be written at once; loopback buffers hold a few MiB.
    expect(ahead).toBeLessThan((total * chunk.length) / 2);
  });

  it('runs the same listener inside an installed invocation wrapper, which sees the outcome', async () => {
    const outcomes: Array<{ id: string; status: number }> = [];
    unwrap = wrapInvocations(async (info, run) => {
      const outcome = await run();
      outcomes.push({ id: info.invocationId, status: outcome.status });
      return outcome;
    });
    server = await startServer(
      fromNodeListener((req, res) => {
        res.statusCode = 201;
        res.end(contextOf(req)?.invocationId);
      }),
    );
    const created = await get(server.port, '/', { headers: { 'x-request-id': 'wrapped-1' } });
    expect(created).toMatchObject({ status: 201, body: 'wrapped-1' });
    expect(outcomes).toEqual([{ id: 'wrapped-1', status: 201 }]);
  });
});
