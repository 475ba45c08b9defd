import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectionTracker } from './connection-tracker.ts';

type Held = { path: string; response: ServerResponse };

// A server whose handler holds every response until the test ends it.
async function trackedServer() {
  const server = createServer();
  const tracker = new ConnectionTracker(server, () => performance.now());
  const held: Held[] = [];
  const sockets: Socket[] = [];
  const arrived: Array<() => void> = [];
  server.on('connection', (socket: Socket) => sockets.push(socket));
  server.on('request', (request, response) => {
    tracker.begin(request, response);
    held.push({ path: request.url ?? '/', response });
    arrived.shift()?.();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const send = (path: string, agent: boolean) => {
    const arrival = new Promise<void>((resolve) => arrived.push(resolve));
    const answer = new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const outgoing = httpRequest({ port, host: '127.0.0.1', path, agent }, (response) => {
        response.resume();
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, connection: response.headers.connection });
        });
      });
      outgoing.on('error', reject);
      outgoing.end();
    });
    return { arrival, answer };
  };
  return { server, tracker, held, sockets, send };
}

let close: (() => void) | undefined;
afterEach(() => {
  close?.();
  close = undefined;
});

describe('the connection tracker', () => {
  it('knows the requests in flight, oldest first, until their responses close', async () => {
    const { server, tracker, held, send } = await trackedServer();
    close = () => server.close();
    const first = send('/a', false);
    await first.arrival;
    const second = send('/b', false);
    await second.arrival;
    expect(tracker.inFlightCount).toBe(2);
    expect(tracker.inFlight().map((r) => r.target)).toEqual(['/a', '/b']);
    expect(tracker.inFlight()[0]?.method).toBe('GET');
    held[0]!.response.end('a');
    await first.answer;
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracker.inFlight().map((r) => r.target)).toEqual(['/b']);
    const third = send('/c', false);
    await third.arrival;
    held[1]!.response.end('b');
    held[2]!.response.end('c');
    await Promise.all([second.answer, third.answer]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(tracker.inFlightCount).toBe(0);
    expect(tracker.inFlight()).toEqual([]);
  });

  it('adds one close listener to each socket and each response, the same one for all of them', async () => {
    // node:http's own listeners (some shared by every socket, some bound to one), seen while a
    // server without a tracker answers, are left out.
    const nodeOwn: unknown[] = [];
    let plainSocketListeners = 0;
    const plain = createServer((request, response) => {
      nodeOwn.push(...response.listeners('close'), ...request.socket.listeners('close'));
      plainSocketListeners = request.socket.listeners('close').length;
      response.end();
    });
    await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
    await fetch(`http://127.0.0.1:${(plain.address() as AddressInfo).port}/`).then((r) => r.text());
    plain.close();
    const { server, tracker, held, sockets, send } = await trackedServer();
    close = () => server.close();
    const a = send('/a', false);
    const b = send('/b', false);
    await Promise.all([a.arrival, b.arrival]);
    expect(tracker.socketCount).toBe(2);
    const [first, second] = sockets.map((socket) => socket.listeners('close'));
    expect(first).toHaveLength(plainSocketListeners + 1);
    expect(first!.filter((l) => second!.includes(l) && !nodeOwn.includes(l))).toHaveLength(1);
    const [one, other] = held.map(({ response }) => response.listeners('close'));
    const ours = one!.filter((l) => !nodeOwn.includes(l));
    expect(ours).toHaveLength(1);
    expect(other!.filter((l) => !nodeOwn.includes(l))).toEqual(ours);
    for (const { response } of held) response.end();
    await Promise.all([a.answer, b.answer]);
  });

  it('forgets closed sockets, and tells its subscribers', async () => {
    const { server, tracker, held, send } = await trackedServer();
    close = () => server.close();
    let changes = 0;
    const unsubscribe = tracker.onChange(() => {
      changes += 1;
    });
    const a = send('/a', false);
    await a.arrival;
    expect(tracker.socketCount).toBe(1);
    held[0]!.response.end();
    await a.answer;
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tracker.socketCount).toBe(0);
    expect(changes).toBeGreaterThanOrEqual(2);
    unsubscribe();
  });

  it('puts Connection: close on responses not yet written once draining, and closes only idle sockets', async () => {
    const { server, tracker, held, send } = await trackedServer();
    close = () => server.close();
    const a = send('/a', false);
    await a.arrival;
    tracker.startDraining();
    tracker.closeIdle(0);
    // The socket is busy: it stays.
    expect(tracker.socketCount).toBe(1);
    held[0]!.response.end('a');
    expect((await a.answer).connection).toBe('close');
    const b = send('/b', false);
    await b.arrival;
    held[1]!.response.end('b');
    expect((await b.answer).connection).toBe('close');
    expect(tracker.inFlightCount).toBe(0);
  });

  it('destroys every socket on request, busy or not', async () => {
    const { server, tracker, send } = await trackedServer();
    close = () => server.close();
    const a = send('/a', false);
    await a.arrival;
    tracker.destroyAll();
    await expect(a.answer).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(tracker.socketCount).toBe(0);
    expect(tracker.inFlightCount).toBe(0);
  });
});
