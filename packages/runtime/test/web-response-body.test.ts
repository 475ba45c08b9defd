import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

/** GETs `path` and reads the body slowly enough for the server's socket buffer to fill. */
function slowGet(
  port: number,
  path: string,
  received: { bytes: number },
): Promise<{ status: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (response) => {
      let bytes = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        received.bytes = bytes;
        response.pause();
        setTimeout(() => response.resume(), 1).unref();
      });
      response.on('end', () => {
        resolve({ status: response.statusCode ?? 0, bytes });
      });
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('a web handler response body', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('is written whole when it is larger than the socket buffers, pulled only as fast as the client reads', async () => {
    const chunkBytes = 64 * 1024;
    const chunks = 256;
    const received = { bytes: 0 };
    let pulled = 0;
    let mostAhead = 0;
    server = await startServer(
      () =>
        new Response(
          new ReadableStream<Uint8Array>(
            {
              pull(controller) {
                pulled += 1;
                mostAhead = Math.max(mostAhead, pulled * chunkBytes - received.bytes);
                if (pulled > chunks) controller.close();
                else controller.enqueue(new Uint8Array(chunkBytes).fill(pulled));
              },
            },
            { highWaterMark: 0 },
          ),
        ),
    );
    const response = await slowGet(server.port, '/', received);
    expect(response).toEqual({ status: 200, bytes: chunkBytes * chunks });
    // Without backpressure the whole 16 MiB would be pulled before the client read much of it.
    expect(mostAhead).toBeLessThan((chunkBytes * chunks) / 2);
  });

  it('cancels an endless body stream when the client leaves', async () => {
    let cancelled: (reason: unknown) => void = () => undefined;
    const cancelledWith = new Promise<unknown>((resolve) => {
      cancelled = resolve;
    });
    server = await startServer(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              controller.enqueue(new TextEncoder().encode('tick\n'));
              return new Promise((resolve) => setTimeout(resolve, 5).unref());
            },
            cancel(reason) {
              cancelled(reason);
            },
          }),
        ),
    );
    const port = server.port;
    await new Promise<void>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
        response.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ECONNRESET') reject(error);
      });
      req.end();
    });
    expect(await cancelledWith).toMatchObject({ code: 'THAW_CLIENT_GONE' });
    expect(server.logs.filter((line) => line.level === 'error')).toEqual([]);
  });

  it('cuts the connection and logs the failure when the body stream errors after the headers went out', async () => {
    server = await startServer(
      () =>
        new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new TextEncoder().encode('partial'));
            },
            pull(controller) {
              controller.error(new Error('the upstream went away'));
            },
          }),
        ),
    );
    const port = server.port;
    const outcome = await new Promise<string>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => {
          resolve('ended');
        });
        response.on('error', () => {
          resolve('cut');
        });
      });
      req.on('error', () => {
        resolve('cut');
      });
      req.end();
    });
    expect(outcome).toBe('cut');
    expect(
      server.logs.some((line) => line.level === 'error' && line.message.includes('upstream went away')),
    ).toBe(true);
  });
});
