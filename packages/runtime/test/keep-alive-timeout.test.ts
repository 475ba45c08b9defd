import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultServeOptions } from '../src/index.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('keepAliveTimeoutMs', () => {
  let server: TestServer | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.destroy();
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('defaults to longer than a Go reverse proxy keeps idle connections (90 s)', () => {
    expect(defaultServeOptions.keepAliveTimeoutMs).toBeGreaterThan(90_000);
  });

  it('advertises the timeout and closes a keep-alive connection idle for longer', async () => {
    server = await startServer(() => new Response('ok'), { keepAliveTimeoutMs: 1_000 });
    socket = connect(server.port, '127.0.0.1');
    const closed = new Promise<void>((resolve) => {
      socket!.once('close', () => {
        resolve();
      });
    });
    let head = '';
    socket.setEncoding('utf8');
    const answered = new Promise<void>((resolve) => {
      socket!.on('data', (chunk: string) => {
        head += chunk;
        if (head.includes('\r\n\r\n')) resolve();
      });
    });
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    await answered;
    const answeredAt = Date.now();
    expect(head).toMatch(/keep-alive: timeout=1\b/i);
    await closed;
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(900);
  });
});
