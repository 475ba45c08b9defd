import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

/** Reads raw HTTP/1.1 responses off one socket. */
function reader(socket: Socket): { next(): Promise<{ head: string; body: string }>; closed: Promise<void> } {
  let buffer = '';
  let wake: (() => void) | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    wake?.();
  });
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => {
      resolve();
    });
  });
  return {
    closed,
    async next() {
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end !== -1) {
          const head = buffer.slice(0, end);
          const rest = buffer.slice(end + 4);
          const chunked = /transfer-encoding: chunked/i.test(head);
          const length = /content-length: (\d+)/i.exec(head);
          if (length !== null && rest.length >= Number(length[1])) {
            buffer = rest.slice(Number(length[1]));
            return { head, body: rest.slice(0, Number(length[1])) };
          }
          const terminator = rest.indexOf('0\r\n\r\n');
          if (chunked && terminator !== -1) {
            buffer = rest.slice(terminator + 5);
            return { head, body: dechunk(rest.slice(0, terminator)) };
          }
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    },
  };
}

/** The payload of a chunked body without its final zero-length chunk. */
function dechunk(framed: string): string {
  let payload = '';
  let rest = framed;
  while (rest.length > 0) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    payload += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
  return payload;
}

describe('keep-alive connections during the drain', () => {
  let fixture: FixtureProcess | undefined;
  let socket: Socket | undefined;
  afterEach(async () => {
    socket?.destroy();
    await fixture?.stop();
  });

  it('answers a request that arrives on an open keep-alive connection after SIGTERM, with Connection: close', async () => {
    fixture = startFixture('routes', { env: { STREAM_MS: '600' } });
    const port = await fixture.port;
    socket = connect(port, '127.0.0.1');
    const responses = reader(socket);
    // The first response's headers go out (keep-alive) before SIGTERM; its body ends after it.
    socket.write('GET /stream HTTP/1.1\r\nhost: x\r\n\r\n');
    await fixture.waitForOutput(/streaming/);
    fixture.child.kill('SIGTERM');
    await fixture.waitForOutput(/Shutting down \(SIGTERM\)/);
    expect((await get(port, '/readyz').catch(() => ({ status: 0 }))).status).not.toBe(200);
    const first = await responses.next();
    expect(first.head).toMatch(/^HTTP\/1\.1 200/);
    expect(first.head).toMatch(/connection: keep-alive/i);
    expect(first.body).toBe('first part;last part');
    // The next request on the same connection, sent after SIGTERM, is answered, then the connection closes.
    socket.write('GET /fast HTTP/1.1\r\nhost: x\r\n\r\n');
    const second = await responses.next();
    expect(second.head).toMatch(/^HTTP\/1\.1 200/);
    expect(second.head).toMatch(/connection: close/i);
    expect(second.body).toBe('fast');
    await responses.closed;
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
  });
});
