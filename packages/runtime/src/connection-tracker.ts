// Knows every open connection and every request in flight, so a drain can tell idle sockets
// from busy ones, put `Connection: close` on responses that are still to be written, and name
// what was still running when it gives up.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** A request the server has accepted and not yet finished. */
export interface InFlightRequest {
  readonly method: string;
  readonly target: string;
  readonly startedAt: number;
  /** Its invocation id, once it is an invocation (health answers are not). */
  readonly invocationId: string | undefined;
}

interface TrackedSocket {
  busy: number;
  /** When the socket last became idle (or connected). */
  idleSince: number;
}

/** The record of one request; its id is read from its context only when someone asks. */
export class InFlightEntry implements InFlightRequest {
  readonly request: IncomingMessage;
  readonly startedAt: number;
  readonly socket: TrackedSocket | undefined;
  /** The invocation the request became (health answers never do). */
  context: { readonly invocationId: string } | undefined = undefined;

  constructor(request: IncomingMessage, startedAt: number, socket: TrackedSocket | undefined) {
    this.request = request;
    this.startedAt = startedAt;
    this.socket = socket;
  }

  get method(): string {
    return this.request.method ?? 'GET';
  }

  get target(): string {
    return this.request.url ?? '/';
  }

  get invocationId(): string | undefined {
    return this.context?.invocationId;
  }
}

/** Tracks sockets and requests of one server. */
export class ConnectionTracker {
  readonly #sockets = new Map<Socket, TrackedSocket>();
  readonly #inFlight = new Map<ServerResponse, InFlightEntry>();
  readonly #now: () => number;
  readonly #changed = new Set<() => void>();
  #draining = false;
  /**
   * One listener for every response's `close`, called with the response as `this`: no closure
   * per request. `close` is emitted once, so the listener need not remove itself.
   */
  readonly #onResponseClose: (this: ServerResponse) => void;

  constructor(server: Server, now: () => number) {
    this.#now = now;
    server.on('connection', (socket: Socket) => {
      this.#sockets.set(socket, { busy: 0, idleSince: this.#now() });
      socket.once('close', () => {
        this.#sockets.delete(socket);
        this.#notify();
      });
    });
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listener's own `this` is the response.
    const tracker = this;
    this.#onResponseClose = function (this: ServerResponse) {
      tracker.#finish(this);
    };
  }

  /** Call first thing for every request; returns its record (set `context` once it is an invocation). */
  begin(request: IncomingMessage, response: ServerResponse): InFlightEntry {
    const tracked = this.#sockets.get(request.socket);
    const entry = new InFlightEntry(request, this.#now(), tracked);
    this.#inFlight.set(response, entry);
    if (tracked !== undefined) tracked.busy += 1;
    if (this.#draining) response.setHeader('connection', 'close');
    response.on('close', this.#onResponseClose);
    return entry;
  }

  #finish(response: ServerResponse): void {
    const entry = this.#inFlight.get(response);
    if (entry === undefined) return;
    this.#inFlight.delete(response);
    const tracked = entry.socket;
    if (tracked !== undefined) {
      tracked.busy -= 1;
      tracked.idleSince = this.#now();
    }
    if (this.#changed.size > 0) this.#notify();
  }

  /** From now on every response closes its connection; responses not yet started get the header too. */
  startDraining(): void {
    this.#draining = true;
    for (const response of this.#inFlight.keys()) {
      if (!response.headersSent) response.setHeader('connection', 'close');
    }
  }

  /**
   * Closes sockets that have no request and have been idle for at least `graceMs`. The grace
   * covers the keep-alive race: a client may already have sent its next request on a socket
   * that looks idle here; that request is answered (with `Connection: close`) instead of reset.
   */
  closeIdle(graceMs: number): void {
    const now = this.#now();
    for (const [socket, tracked] of this.#sockets) {
      if (tracked.busy === 0 && now - tracked.idleSince >= graceMs) socket.destroy();
    }
  }

  /** Destroys every socket, busy or not. */
  destroyAll(): void {
    for (const socket of this.#sockets.keys()) socket.destroy();
  }

  get inFlightCount(): number {
    return this.#inFlight.size;
  }

  get socketCount(): number {
    return this.#sockets.size;
  }

  /** The requests still running, oldest first. */
  inFlight(): InFlightRequest[] {
    return [...this.#inFlight.values()].sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Subscribes to "a request finished or a socket closed". */
  onChange(listener: () => void): () => void {
    this.#changed.add(listener);
    return () => this.#changed.delete(listener);
  }

  #notify(): void {
    for (const listener of this.#changed) listener();
  }
}
