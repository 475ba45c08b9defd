import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('idle keep-alive sockets during the drain', () => {
  let server: TestServer | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.destroy();
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('closes a keep-alive socket that has been idle, so the drain does not wait for the client', async () => {
    server = await startServer(() => new Response('ok'));
    socket = connect(server.port, '127.0.0.1');
    const closed = new Promise<number>((resolve) => {
      socket!.once('close', () => {
        resolve(Date.now());
      });
    });
    const answered = new Promise<string>((resolve) => {
      let text = '';
      socket!.setEncoding('utf8');
      socket!.on('data', (chunk: string) => {
        text += chunk;
        if (text.includes('\r\n\r\n')) resolve(text);
      });
    });
    socket.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
    expect(await answered).toMatch(/connection: keep-alive/i);
    // Idle for longer than the drain's grace before shutdown starts.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const startedAt = Date.now();
    await server.handle.close();
    server = undefined;
    const closedAt = await closed;
    expect(closedAt - startedAt).toBeLessThan(800);
  });
});
