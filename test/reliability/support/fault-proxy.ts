// A TCP proxy that puts network faults between the function and a server (Postgres, Redis, a
// telemetry collector): pass, added latency, blackhole (accept, never forward), reset, and close
// after N bytes. The mode can change at any time; it applies to new and open connections alike.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** What the proxy does to the traffic. */
export type FaultMode =
  | { readonly kind: 'pass' }
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'blackhole' }
  | { readonly kind: 'reset' }
  | { readonly kind: 'close-after'; readonly bytes: number };

/** A running proxy. */
export interface FaultProxy {
  readonly port: number;
  /** Connections accepted since the start (every reconnection attempt of a client counts). */
  readonly accepted: number;
  /** Times of each accepted connection (performance.now()). */
  readonly acceptedAt: readonly number[];
  /** Connections open right now. */
  readonly open: number;
  /** Switches mode; `reset` also resets every open connection. */
  setMode(mode: FaultMode): void;
  close(): Promise<void>;
}

interface Pair {
  readonly client: Socket;
  upstream: Socket | undefined;
  forwarded: number;
}

/** Starts a proxy on a free loopback port in front of `target`. */
export async function startFaultProxy(
  target: { readonly host: string; readonly port: number },
  initial: FaultMode = { kind: 'pass' },
): Promise<FaultProxy> {
  let mode = initial;
  const pairs = new Set<Pair>();
  const timers = new Set<NodeJS.Timeout>();
  const acceptedAt: number[] = [];

  const kill = (pair: Pair): void => {
    pairs.delete(pair);
    if (!pair.client.destroyed) pair.client.resetAndDestroy();
    if (pair.upstream !== undefined && !pair.upstream.destroyed) pair.upstream.resetAndDestroy();
  };

  // Forwards one chunk according to the current mode, keeping order under added latency.
  const forwarder = (pair: Pair, to: () => Socket | undefined): ((chunk: Buffer) => void) => {
    let lastDue = 0;
    const write = (chunk: Buffer): void => {
      const socket = to();
      if (socket === undefined || socket.destroyed || !pairs.has(pair)) return;
      if (mode.kind === 'close-after') {
        const room = mode.bytes - pair.forwarded;
        if (room <= 0) {
          kill(pair);
          return;
        }
        pair.forwarded += Math.min(room, chunk.length);
        socket.write(chunk.subarray(0, room));
        if (chunk.length >= room) kill(pair);
        return;
      }
      pair.forwarded += chunk.length;
      socket.write(chunk);
    };
    return (chunk) => {
      switch (mode.kind) {
        case 'blackhole':
          return;
        case 'reset':
          kill(pair);
          return;
        case 'latency': {
          const now = performance.now();
          const due = Math.max(now + mode.ms, lastDue);
          lastDue = due;
          const timer = setTimeout(() => {
            timers.delete(timer);
            write(chunk);
          }, due - now);
          timers.add(timer);
          return;
        }
        case 'pass':
        case 'close-after':
          write(chunk);
          return;
      }
    };
  };

  const server: Server = createServer((client) => {
    acceptedAt.push(performance.now());
    const pair: Pair = { client, upstream: undefined, forwarded: 0 };
    pairs.add(pair);
    client.on('error', () => undefined);
    client.once('close', () => {
      kill(pair);
    });
    if (mode.kind === 'reset') {
      kill(pair);
      return;
    }
    const upstream = createConnection(target.port, target.host);
    pair.upstream = upstream;
    upstream.on('error', () => undefined);
    upstream.once('close', () => {
      kill(pair);
    });
    client.on(
      'data',
      forwarder(pair, () => pair.upstream),
    );
    upstream.on(
      'data',
      forwarder(pair, () => pair.client),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The fault proxy has no port.');

  return {
    port: address.port,
    get accepted() {
      return acceptedAt.length;
    },
    acceptedAt,
    get open() {
      return pairs.size;
    },
    setMode(next) {
      mode = next;
      if (next.kind === 'reset') for (const pair of [...pairs]) kill(pair);
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const pair of [...pairs]) kill(pair);
      return new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
