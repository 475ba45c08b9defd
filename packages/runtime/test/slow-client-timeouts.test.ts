import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

// Sends `head` (and optionally part of a body), then keeps the connection open without finishing;
// resolves with what the server wrote before closing it, and when.
function stall(port: number, head: string): Promise<{ answer: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(head);
    });
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('error', () => undefined);
    const guard = setTimeout(() => {
      socket.destroy();
      reject(new Error(`The server kept a stalled connection open for 5 s; it wrote: ${answer}`));
    }, 5_000);
    socket.once('close', () => {
      clearTimeout(guard);
      resolve({ answer, closedAfterMs: performance.now() - started });
    });
  });
}

describe('slow clients', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  it('answers 408 and disconnects a client that never finishes its headers or its body, without calling the handler', async () => {
    let calls = 0;
    server = await startServer(
      async (request) => {
        calls += 1;
        return new Response(await request.text());
      },
      { headersTimeoutMs: 300, requestTimeoutMs: 600 },
    );
    const headers = await stall(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(headers.answer).toMatch(/^HTTP\/1\.1 408 /);
    expect(headers.closedAfterMs).toBeLessThan(2_000);
    const body = await stall(server.port, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial');
    expect(body.closedAfterMs).toBeGreaterThanOrEqual(500);
    expect(body.closedAfterMs).toBeLessThan(3_000);
    expect(calls).toBeLessThanOrEqual(1);
  });
});
