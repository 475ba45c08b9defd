import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './support/fault-proxy.ts';

// What a client sees through the proxy, against an echo server.
function exchange(
  port: number,
  payload: string,
  waitMs: number,
): Promise<{
  received: string;
  error: string | undefined;
  closed: boolean;
  firstByteMs: number | undefined;
}> {
  return new Promise((resolve) => {
    const started = performance.now();
    let received = '';
    let error: string | undefined;
    let firstByteMs: number | undefined;
    const socket: Socket = connect(port, '127.0.0.1', () => {
      socket.write(payload);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      firstByteMs ??= performance.now() - started;
      received += chunk;
    });
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      error = cause.code ?? cause.message;
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, error, closed: false, firstByteMs });
    }, waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ received, error, closed: true, firstByteMs });
    });
  });
}

describe('the fault proxy', () => {
  let echo: Server;
  let echoPort = 0;
  let proxy: FaultProxy | undefined;
  beforeEach(async () => {
    echo = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.pipe(socket);
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    echoPort = (echo.address() as { port: number }).port;
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await new Promise<void>((resolve) => {
      echo.close(() => {
        resolve();
      });
    });
  });

  it('passes bytes both ways, adds latency, blackholes, resets and closes after N bytes', async () => {
    proxy = await startFaultProxy({ host: '127.0.0.1', port: echoPort });
    expect((await exchange(proxy.port, 'hello', 300)).received).toBe('hello');

    proxy.setMode({ kind: 'latency', ms: 150 });
    const slow = await exchange(proxy.port, 'slow', 1_500);
    expect(slow.received).toBe('slow');
    // Two hops of 150 ms each (there and back).
    expect(slow.firstByteMs).toBeGreaterThanOrEqual(280);

    proxy.setMode({ kind: 'blackhole' });
    const lost = await exchange(proxy.port, 'lost', 400);
    expect(lost).toMatchObject({ received: '', closed: false });

    proxy.setMode({ kind: 'reset' });
    const reset = await exchange(proxy.port, 'reset', 1_000);
    expect(reset).toMatchObject({ received: '', closed: true });

    proxy.setMode({ kind: 'close-after', bytes: 4 });
    const cut = await exchange(proxy.port, 'abcdefgh', 1_000);
    expect(cut.closed).toBe(true);
    expect(cut.received.length).toBeLessThanOrEqual(4);
    expect(proxy.accepted).toBe(5);
  });
});
