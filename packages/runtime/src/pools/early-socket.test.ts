import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adoptable, EarlySocket } from './early-socket.ts';

describe('EarlySocket', () => {
  let server: Server;
  let port: number;
  const accepted: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => accepted.push(socket));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of accepted) socket.destroy();
    server.close();
    await once(server, 'close');
  });

  it('hands its socket over once, and only once', async () => {
    const early = EarlySocket.open({ host: '127.0.0.1', port }, 5_000);
    expect(early.pending).toBe(true);
    const socket = early.take();
    expect(socket).toBeDefined();
    expect(early.pending).toBe(false);
    expect(early.take()).toBeUndefined();
    if (socket!.connecting) await once(socket!, 'connect');
    expect(socket!.remotePort).toBe(port);
    socket!.destroy();
  });

  it('is destroyed when disposed before anyone takes it', () => {
    const early = EarlySocket.open({ host: '127.0.0.1', port }, 5_000);
    const socket = early.take()!;
    const other = EarlySocket.open({ host: '127.0.0.1', port }, 5_000);
    other.dispose();
    other.dispose();
    expect(other.take()).toBeUndefined();
    socket.destroy();
  });

  it('destroys a socket nobody took within its time', async () => {
    const before = accepted.length;
    const early = EarlySocket.open({ host: '127.0.0.1', port }, 50);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(early.pending).toBe(false);
    expect(early.take()).toBeUndefined();
    expect(accepted.length).toBeGreaterThan(before);
  });

  it('holds a connection failure instead of throwing it, and does not hand the socket over', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const closedPort = (closed.address() as { port: number }).port;
    closed.close();
    await once(closed, 'close');
    const early = EarlySocket.open({ host: '127.0.0.1', port: closedPort }, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(early.take()).toBeUndefined();
  });
});

describe('adoptable', () => {
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });

  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it("emits 'connect' again for a driver that connects an already connected socket", async () => {
    const early = EarlySocket.open({ host: '127.0.0.1', port }, 5_000);
    const socket = early.take()!;
    if (socket.connecting) await once(socket, 'connect');
    const stream = adoptable(socket, early.target);
    stream.connect(port, '127.0.0.1');
    await once(stream, 'connect');
    expect(Object.hasOwn(stream, 'connect')).toBe(false);
    stream.destroy();
  });

  it("leaves a still connecting socket's own 'connect' event to the driver", async () => {
    const early = EarlySocket.open({ host: '127.0.0.1', port }, 5_000);
    const stream = adoptable(early.take()!, early.target);
    stream.connect(port, '127.0.0.1');
    let connects = 0;
    stream.on('connect', () => (connects += 1));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connects).toBe(1);
    stream.destroy();
  });

  it('fails the connection clearly when the driver connects elsewhere', async () => {
    const early = EarlySocket.open({ host: '127.0.0.1', port }, 5_000);
    const stream = adoptable(early.take()!, early.target);
    stream.connect(port + 1, '127.0.0.1');
    const [error] = (await once(stream, 'error')) as [Error];
    expect(error.message).toContain(`The early connection went to 127.0.0.1:${port}`);
    expect(error.message).toContain('earlyConnect: false');
    expect(stream.destroyed).toBe(true);
  });
});
