/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- the light classes stand in for Node's fetch classes, by design */
// The WHATWG `Request` a web handler receives, light: method, URL, headers, signal and the common
// body reads (text, json, arrayBuffer, bytes, body as a stream) come straight from Node's request;
// the rest (blob, formData, clone, the fetch-only fields) builds Node's own Request first.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, ThawError } from '../errors.ts';
import { readBody } from '../handlers/read-body.ts';
import { rawHeader } from '../raw-headers.ts';
import { fetchClasses as loadFetchClasses, fetchClassesLoaded, type FetchClasses } from './fetch-classes.ts';
import { LightHeaders } from './light-headers.ts';

type RequestInfo = ConstructorParameters<typeof Request>[0];

const stateKey: unique symbol = Symbol('state');

interface RequestState {
  readonly incoming: IncomingMessage;
  /** The response to `incoming`: its closing before it finished means the client left. */
  readonly response: ServerResponse;
  readonly method: string;
  /** Built from the Host header when first read. */
  url: string | undefined;
  readonly maxBodyBytes: number;
  readonly hasBody: boolean;
  headers: LightHeaders | undefined;
  /** Made when `signal` is first read; until then nothing listens for the client leaving. */
  controller: AbortController | undefined;
  used: boolean;
  stream: ReadableStream<Uint8Array> | undefined;
  real: Request | undefined;
}

const clientGone = 'The client closed the connection before the request body was read.';

function bodyUnusable(): TypeError {
  return new TypeError('Body is unusable: the request body has already been read.');
}

/** Feeds one request body into a web stream: attached on the first pull, bounded in size. */
class BodyFeed {
  readonly #state: RequestState;
  readonly #controller: ReadableStreamDefaultController<Uint8Array>;
  #received = 0;
  #attached = false;
  #finished = false;

  constructor(state: RequestState, controller: ReadableStreamDefaultController<Uint8Array>) {
    this.#state = state;
    this.#controller = controller;
  }

  readonly pull = (): void => {
    this.#state.used = true;
    if (this.#finished) return;
    const { incoming } = this.#state;
    if (!this.#attached) {
      this.#attached = true;
      incoming.on('data', this.#onData);
      incoming.on('end', this.#onEnd);
      incoming.on('error', this.#onError);
      incoming.on('close', this.#onClose);
    }
    incoming.resume();
  };

  readonly cancel = (): void => {
    this.#state.used = true;
    this.#detach();
  };

  #detach(): void {
    this.#finished = true;
    const { incoming } = this.#state;
    incoming.off('data', this.#onData);
    incoming.off('end', this.#onEnd);
    incoming.off('error', this.#onError);
    incoming.off('close', this.#onClose);
  }

  readonly #onData = (chunk: Buffer): void => {
    const { incoming, maxBodyBytes } = this.#state;
    this.#received += chunk.length;
    if (this.#received > maxBodyBytes) {
      this.#detach();
      // Stop reading but keep the socket: the 413 still has to be written on it.
      incoming.pause();
      this.#controller.error(new BodyTooLargeError(maxBodyBytes));
      return;
    }
    this.#controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length));
    if ((this.#controller.desiredSize ?? 0) <= 0) incoming.pause();
  };

  readonly #onEnd = (): void => {
    this.#detach();
    this.#controller.close();
  };

  readonly #onError = (error: Error): void => {
    this.#detach();
    this.#controller.error(error);
  };

  readonly #onClose = (): void => {
    if (this.#finished) return;
    this.#detach();
    this.#controller.error(new ThawError('THAW_CLIENT_GONE', clientGone));
  };
}

/** A web stream over Node's request body, pulled only as fast as it is read, bounded in size. */
function bodyStream(state: RequestState): ReadableStream<Uint8Array> {
  let feed: BodyFeed | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        feed = new BodyFeed(state, controller);
      },
      pull() {
        feed?.pull();
      },
      cancel() {
        feed?.cancel();
      },
    },
    { highWaterMark: 0 },
  );
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  if (chunks.length === 1) return chunks[0] as Uint8Array;
  const whole = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    whole.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return whole;
}

/** The whole body once; a second read rejects, as the standard says. */
function consume(state: RequestState): Promise<Uint8Array> {
  if (state.used) return Promise.reject(bodyUnusable());
  if (state.stream?.locked === true) return Promise.reject(bodyUnusable());
  state.used = true;
  if (!state.hasBody) return Promise.resolve(new Uint8Array(0));
  if (state.stream !== undefined) return readStream(state.stream);
  return readBody(state.incoming, state.maxBodyBytes);
}

/** True once the client has left: the response closed (or was destroyed) before it finished. */
function clientLeft(response: ServerResponse): boolean {
  return response.destroyed && !response.writableFinished;
}

function signalOf(state: RequestState): AbortSignal {
  if (state.controller !== undefined) return state.controller.signal;
  const controller = new AbortController();
  state.controller = controller;
  const { response } = state;
  if (response.writableFinished) return controller.signal;
  if (clientLeft(response)) controller.abort();
  else {
    response.once('close', () => {
      if (!response.writableFinished) controller.abort();
    });
  }
  return controller.signal;
}

function urlOf(state: RequestState): string {
  return (state.url ??= `http://${rawHeader(state.incoming, 'host') ?? 'localhost'}${state.incoming.url ?? '/'}`);
}

function materialise(state: RequestState): Request {
  if (state.real !== undefined) return state.real;
  const { Request: NodeRequest } = fetchClasses();
  const init: RequestInit & { duplex?: 'half' } = {
    method: state.method,
    headers: [...headersOf(state)],
    signal: signalOf(state),
  };
  if (state.hasBody && !state.used) {
    init.body = state.stream ?? (state.stream = bodyStream(state));
    init.duplex = 'half';
  }
  state.real = new NodeRequest(urlOf(state), init);
  return state.real;
}

function headersOf(state: RequestState): LightHeaders {
  return (state.headers ??= LightHeaders.fromRaw(state.incoming.rawHeaders));
}

const textDecoder = new TextDecoder();

// Module-level, so that reading a body makes no closure: UTF-8 decoding (a BOM dropped) as the
// standard's text() does, and json() parses that same text.
function decodeText(bytes: Uint8Array): string {
  return textDecoder.decode(bytes);
}

function parseJson(bytes: Uint8Array): unknown {
  return JSON.parse(decodeText(bytes)) as unknown;
}

/** For a subclass instance of Node's Request: the member from Node's prototype. */
function nodeMember(self: object, name: string): unknown {
  return Reflect.get(fetchClasses().Request.prototype, name, self);
}

function callNode(self: object, name: string, args: readonly unknown[] = []): unknown {
  const state = (self as LightRequest)[stateKey];
  const target: object = state === undefined ? self : materialise(state);
  const method = (state === undefined ? nodeMember(self, name) : Reflect.get(target, name)) as (
    ...rest: unknown[]
  ) => unknown;
  return Reflect.apply(method, target, args);
}

/** Node's classes; from then on light instances are also `instanceof` Node's Request. */
function fetchClasses(): FetchClasses {
  const classes = loadFetchClasses();
  if (Object.getPrototypeOf(LightRequest.prototype) !== classes.Request.prototype) {
    Object.setPrototypeOf(LightRequest.prototype, classes.Request.prototype);
  }
  return classes;
}

/**
 * `Request` as the Fetch standard defines it. The server hands a handler a light one; `new
 * Request(…)` builds Node's own. `instanceof Request` holds for both.
 *
 * @example
 * ```ts
 * serve(async (request) => Response.json({ path: new URL(request.url).pathname, body: await request.text() }));
 * ```
 */
export class LightRequest {
  [stateKey]: RequestState | undefined;

  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const NodeRequest = fetchClasses().Request;
    const given: unknown = input;
    const state = typeof given === 'object' && given !== null ? (given as LightRequest)[stateKey] : undefined;
    const source = state === undefined ? input : materialise(state);
    return Reflect.construct(
      NodeRequest,
      [source, init],
      new.target === LightRequest ? NodeRequest : new.target,
    ) as unknown as LightRequest;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (stateKey in value && value[stateKey] !== undefined) return true;
    return fetchClassesLoaded() && value instanceof fetchClasses().Request;
  }

  get method(): string {
    const state = this[stateKey];
    return state === undefined ? (nodeMember(this, 'method') as string) : state.method;
  }

  get url(): string {
    const state = this[stateKey];
    return state === undefined ? (nodeMember(this, 'url') as string) : urlOf(state);
  }

  get headers(): Headers {
    const state = this[stateKey];
    if (state === undefined) return nodeMember(this, 'headers') as Headers;
    if (state.real !== undefined) return state.real.headers;
    return headersOf(state);
  }

  get signal(): AbortSignal {
    const state = this[stateKey];
    return state === undefined ? (nodeMember(this, 'signal') as AbortSignal) : signalOf(state);
  }

  get body(): ReadableStream<Uint8Array> | null {
    const state = this[stateKey];
    if (state === undefined) return nodeMember(this, 'body') as ReadableStream<Uint8Array> | null;
    if (state.real !== undefined) return state.real.body;
    if (!state.hasBody) return null;
    return (state.stream ??= bodyStream(state));
  }

  get bodyUsed(): boolean {
    const state = this[stateKey];
    if (state === undefined) return nodeMember(this, 'bodyUsed') as boolean;
    return state.used || (state.real?.bodyUsed ?? false);
  }

  text(): Promise<string> {
    const state = this[stateKey];
    if (state === undefined || state.real !== undefined) return callNode(this, 'text') as Promise<string>;
    return consume(state).then(decodeText);
  }

  json(): Promise<unknown> {
    const state = this[stateKey];
    if (state === undefined || state.real !== undefined) return callNode(this, 'json') as Promise<unknown>;
    return consume(state).then(parseJson);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    const state = this[stateKey];
    if (state === undefined || state.real !== undefined)
      return callNode(this, 'arrayBuffer') as Promise<ArrayBuffer>;
    return consume(state).then(
      (bytes) => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    );
  }

  bytes(): Promise<Uint8Array> {
    const state = this[stateKey];
    if (state === undefined || state.real !== undefined)
      return callNode(this, 'bytes') as Promise<Uint8Array>;
    return consume(state).then((bytes) => new Uint8Array(bytes));
  }

  blob(): Promise<Blob> {
    if (this[stateKey]?.used === true) return Promise.reject(bodyUnusable());
    return callNode(this, 'blob') as Promise<Blob>;
  }

  formData(): Promise<FormData> {
    if (this[stateKey]?.used === true) return Promise.reject(bodyUnusable());
    return callNode(this, 'formData') as Promise<FormData>;
  }

  clone(): Request {
    if (this[stateKey]?.used === true) throw bodyUnusable();
    return callNode(this, 'clone') as Request;
  }

  get [Symbol.toStringTag](): string {
    return 'Request';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Request { method: ${JSON.stringify(this.method)}, url: ${JSON.stringify(this.url)} }`;
  }
}

// The fields only Node's Request holds (they describe fetch's side, not a server's).
for (const name of [
  'cache',
  'credentials',
  'destination',
  'integrity',
  'mode',
  'redirect',
  'referrer',
  'referrerPolicy',
  'keepalive',
  'duplex',
  'isHistoryNavigation',
  'isReloadNavigation',
]) {
  Object.defineProperty(LightRequest.prototype, name, {
    configurable: true,
    enumerable: true,
    get(this: LightRequest): unknown {
      const state = this[stateKey];
      return state === undefined ? nodeMember(this, name) : Reflect.get(materialise(state), name);
    },
  });
}

/**
 * Whether a request other than GET or HEAD declares a body (a Transfer-Encoding, or a
 * Content-Length other than 0), read from the raw list so that Node's header object is not built.
 */
function declaresBody(raw: readonly string[]): boolean {
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') return true;
    // The first Content-Length is the one Node's header object keeps.
    if (name.length === 14 && name.toLowerCase() === 'content-length') {
      if (raw[index + 1] !== '0') return true;
      for (let rest = index + 2; rest < raw.length; rest += 2) {
        const later = raw[rest] as string;
        if (later.length === 17 && later.toLowerCase() === 'transfer-encoding') return true;
      }
      return false;
    }
  }
  return false;
}

/**
 * The light request for one Node request, its body read at most `maxBodyBytes`; its signal
 * aborts when `response` closes before it finished (the client left).
 */
export function lightRequest(
  incoming: IncomingMessage,
  maxBodyBytes: number,
  response: ServerResponse,
): Request {
  const request = Object.create(LightRequest.prototype) as LightRequest;
  const method = incoming.method ?? 'GET';
  request[stateKey] = {
    incoming,
    response,
    method,
    url: undefined,
    maxBodyBytes,
    hasBody: method !== 'GET' && method !== 'HEAD' && declaresBody(incoming.rawHeaders),
    headers: undefined,
    controller: undefined,
    used: false,
    stream: undefined,
    real: undefined,
  };
  return request as unknown as Request;
}
