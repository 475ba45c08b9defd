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

// The tracker's records, kept on the socket and the response themselves: a property read per
// request instead of a Map lookup, and one listener shared by every socket and every response.
const trackedKey: unique symbol = Symbol('thaw.tracked-socket');
const entryKey: unique symbol = Symbol('thaw.in-flight-entry');
type WithTracked = Socket & { [trackedKey]?: TrackedSocket };
type WithEntry = ServerResponse & { [entryKey]?: InFlightEntry | undefined };

/** The record of one request; its id is read from its context only when someone asks. */
export class InFlightEntry implements InFlightRequest {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly startedAt: number;
  readonly socket: TrackedSocket | undefined;
  /** The invocation the request became (health answers never do). */
  context: { readonly invocationId: string } | undefined = undefined;
  /** Neighbours in the tracker's list of requests in flight, oldest first. */
  previous: InFlightEntry | undefined = undefined;
  next: InFlightEntry | undefined = undefined;

  constructor(
    request: IncomingMessage,
    response: ServerResponse,
    startedAt: number,
    socket: TrackedSocket | undefined,
  ) {
    this.request = request;
    this.response = response;
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
  readonly #sockets = new Set<Socket>();
  // The requests in flight as a list linked through their entries, oldest first: adding and
  // removing one hashes nothing.
  #first: InFlightEntry | undefined = undefined;
  #last: InFlightEntry | undefined = undefined;
  #inFlightCount = 0;
  readonly #now: () => number;
  readonly #changed = new Set<() => void>();
  #draining = false;
  /**
   * One listener for every response's `close` and one for every socket's, each called with its
   * emitter as `this`: no closure per request or connection. `close` is emitted once, so the
   * listeners need not remove themselves.
   */
  readonly #onResponseClose: (this: ServerResponse) => void;
  readonly #onSocketClose: (this: Socket) => void;

  constructor(server: Server, now: () => number) {
    this.#now = now;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listeners' own `this` is the emitter.
    const tracker = this;
    this.#onResponseClose = function (this: ServerResponse) {
      tracker.#finish(this);
    };
    this.#onSocketClose = function (this: Socket) {
      tracker.#sockets.delete(this);
      tracker.#notify();
    };
    server.on('connection', (socket: Socket) => {
      (socket as WithTracked)[trackedKey] = { busy: 0, idleSince: this.#now() };
      this.#sockets.add(socket);
      socket.on('close', this.#onSocketClose);
    });
  }

  /** Call first thing for every request; returns its record (set `context` once it is an invocation). */
  begin(request: IncomingMessage, response: ServerResponse): InFlightEntry {
    const tracked = (request.socket as WithTracked | null)?.[trackedKey];
    const entry = new InFlightEntry(request, response, this.#now(), tracked);
    (response as WithEntry)[entryKey] = entry;
    const last = this.#last;
    if (last === undefined) this.#first = entry;
    else {
      last.next = entry;
      entry.previous = last;
    }
    this.#last = entry;
    this.#inFlightCount += 1;
    if (tracked !== undefined) tracked.busy += 1;
    if (this.#draining) response.setHeader('connection', 'close');
    response.on('close', this.#onResponseClose);
    return entry;
  }

  #finish(response: ServerResponse): void {
    const entry = (response as WithEntry)[entryKey];
    if (entry === undefined) return;
    (response as WithEntry)[entryKey] = undefined;
    const { previous, next } = entry;
    if (previous === undefined) this.#first = next;
    else previous.next = next;
    if (next === undefined) this.#last = previous;
    else next.previous = previous;
    entry.previous = undefined;
    entry.next = undefined;
    this.#inFlightCount -= 1;
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
    for (let entry = this.#first; entry !== undefined; entry = entry.next) {
      if (!entry.response.headersSent) entry.response.setHeader('connection', 'close');
    }
  }

  /**
   * Closes sockets that have no request and have been idle for at least `graceMs`. The grace
   * covers the keep-alive race: a client may already have sent its next request on a socket
   * that looks idle here; that request is answered (with `Connection: close`) instead of reset.
   */
  closeIdle(graceMs: number): void {
    const now = this.#now();
    for (const socket of this.#sockets) {
      const tracked = (socket as WithTracked)[trackedKey];
      if (tracked !== undefined && tracked.busy === 0 && now - tracked.idleSince >= graceMs) socket.destroy();
    }
  }

  /** Destroys every socket, busy or not. */
  destroyAll(): void {
    for (const socket of this.#sockets) socket.destroy();
  }

  get inFlightCount(): number {
    return this.#inFlightCount;
  }

  get socketCount(): number {
    return this.#sockets.size;
  }

  /** The requests still running, oldest first. */
  inFlight(): InFlightRequest[] {
    const entries: InFlightEntry[] = [];
    for (let entry = this.#first; entry !== undefined; entry = entry.next) entries.push(entry);
    return entries.sort((a, b) => a.startedAt - b.startedAt);
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
