// A TCP connection opened the moment a pool is asked for, before its driver (pg, ioredis) has
// loaded: the kernel's handshake, and the server's work on accepting (PostgreSQL forks a backend),
// then overlap the driver's module load instead of following it. The driver adopts the socket
// for its first connection; a socket nobody adopts is destroyed, so none is ever leaked.
import { connect, type Socket } from 'node:net';

/** Where an early connection goes: a TCP host and port, exactly as the driver will connect. */
export interface SocketTarget {
  readonly host: string;
  readonly port: number;
}

/**
 * One early TCP connection, handed over at most once.
 *
 * Until it is taken the socket is unref'd (it never keeps the process alive) and an error on it
 * is held, not thrown: a refused or failed connection is simply not handed over, and the driver
 * then opens its own and reports the failure as it always does.
 *
 * @example
 * ```ts
 * const early = EarlySocket.open({ host: '127.0.0.1', port: 5432 }, 5_000);
 * const socket = early.take(); // the connected or connecting socket, or undefined
 * ```
 */
export class EarlySocket {
  readonly target: SocketTarget;
  #socket: Socket | undefined;
  #failed = false;
  readonly #timer: NodeJS.Timeout;

  /** Opens the connection now; it is destroyed if not taken within `unclaimedMs`. */
  static open(target: SocketTarget, unclaimedMs: number): EarlySocket {
    return new EarlySocket(target, unclaimedMs);
  }

  private constructor(target: SocketTarget, unclaimedMs: number) {
    this.target = target;
    const socket = connect({ host: target.host, port: target.port });
    socket.unref();
    // Held, not thrown: the driver sees the failure on the connection it then opens itself.
    socket.on('error', () => {
      this.#failed = true;
    });
    this.#socket = socket;
    this.#timer = setTimeout(() => {
      this.dispose();
    }, unclaimedMs);
    this.#timer.unref();
  }

  /** Whether the socket is still waiting to be taken. */
  get pending(): boolean {
    return this.#socket !== undefined;
  }

  /**
   * The socket, once, if it is still usable (connecting or connected); `undefined` after the
   * first call, after a failure, or after {@link dispose}. A taken socket is ref'd again, like
   * any connection the driver opens.
   */
  take(): Socket | undefined {
    const socket = this.#socket;
    this.#socket = undefined;
    clearTimeout(this.#timer);
    if (socket === undefined) return undefined;
    if (this.#failed || socket.destroyed) {
      socket.destroy();
      return undefined;
    }
    socket.ref();
    return socket;
  }

  /** Destroys the socket unless it was taken; safe to call any number of times. */
  dispose(): void {
    clearTimeout(this.#timer);
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.destroy();
  }
}

/**
 * Makes an adopted socket accept the driver's own `connect(port, host)` call: pg creates its
 * stream, then calls `stream.connect()` and waits for `'connect'`. On a socket that is still
 * connecting the call does nothing (the event comes); on a connected one `'connect'` is emitted
 * again on the next tick. A call for another address than the socket's fails the connection
 * with an error that says so (the pool's next connection opens normally).
 *
 * @example
 * ```ts
 * const stream = adoptable(early.take()!, early.target);
 * new pg.Client({ ...config, stream: () => stream });
 * ```
 */
export function adoptable(socket: Socket, target: SocketTarget): Socket {
  const adopted = (port: unknown, host?: unknown): Socket => {
    // Restored at once: the socket is net's own again for anything later.
    Reflect.deleteProperty(socket, 'connect');
    if (Number(port) !== target.port || (host ?? 'localhost') !== target.host) {
      socket.destroy(
        new Error(
          `The early connection went to ${target.host}:${target.port} but the driver connects to ` +
            `${String(host)}:${String(port)}; this connection is dropped and the next one opens normally. ` +
            'Set earlyConnect: false for this pool and report the configuration.',
        ),
      );
      return socket;
    }
    if (!socket.connecting && !socket.destroyed) process.nextTick(() => socket.emit('connect'));
    return socket;
  };
  Object.defineProperty(socket, 'connect', { configurable: true, writable: true, value: adopted });
  return socket;
}
