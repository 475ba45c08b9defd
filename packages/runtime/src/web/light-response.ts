/* eslint-disable @typescript-eslint/no-unsafe-class-instance-assignment -- the light classes stand in for Node's fetch classes, by design */
// The WHATWG `Response`, light: a string, bytes, a stream or no body with its status and headers
// is kept as given, so the server writes it straight onto Node's response. Anything the light form
// does not hold itself (reading the body back, a Blob or FormData body, clone of a stream) builds
// Node's own Response from it first, with the same status, headers and body.
import { fetchClasses as loadFetchClasses, fetchClassesLoaded, type FetchClasses } from './fetch-classes.ts';
import { simpleResponseKey } from '../process-keys.ts';
import { hasLowerCaseName, LightHeaders, setTrusted } from './light-headers.ts';

/** A body the light form keeps; any other kind goes to Node's Response at once. */
export type SimpleBody = string | Uint8Array | ReadableStream<Uint8Array> | null;

/** What the server writes for a light response that nothing has turned into Node's own. */
export interface SimpleResponse {
  readonly status: number;
  readonly statusText: string;
  readonly headers: LightHeaders;
  readonly body: SimpleBody;
}

type BodyInit = ConstructorParameters<typeof Response>[0];
type ResponseType = Response['type'];

const stateKey: unique symbol = Symbol('state');

interface ResponseState {
  readonly status: number;
  readonly statusText: string;
  readonly headers: LightHeaders;
  readonly body: SimpleBody;
  real: Response | undefined;
}

const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);
const redirectStatuses = new Set([301, 302, 303, 307, 308]);
// HTAB, SP, VCHAR and obs-text, as the reason-phrase grammar allows.
const reasonPhrase = /^[\t\x20-\x7e\x80-\xff]*$/;

/** WebIDL `unsigned short`, as Node's Response converts `init.status`. */
function toUnsignedShort(value: unknown): number {
  const number = Number(value);
  if (!Number.isFinite(number)) return 0;
  const truncated = Math.trunc(number) % 65_536;
  return truncated < 0 ? truncated + 65_536 : truncated;
}

function isReadableStream(value: object): value is ReadableStream<Uint8Array> {
  return (
    typeof (value as Partial<ReadableStream>).getReader === 'function' && value instanceof ReadableStream
  );
}

/** The body as the light form keeps it, or undefined when Node's Response has to take it. */
function simpleBody(body: unknown): SimpleBody | undefined {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'object' && isReadableStream(body)) {
    if (body.locked) throw new TypeError('Response constructor: the body stream is locked or already read.');
    return body;
  }
  return undefined;
}

/**
 * The state of a light response with a kept body; `defaultType` is the Content-Type a string
 * body gets when `init` names none.
 */
function readInit(
  init: ResponseInit | null | undefined,
  body: SimpleBody,
  defaultType: string,
): ResponseState {
  if (init !== undefined && init !== null && typeof init !== 'object') {
    throw new TypeError('Response constructor: the init argument must be an object.');
  }
  const status = init?.status === undefined ? 200 : toUnsignedShort(init.status);
  if (status < 200 || status > 599) {
    throw new RangeError('init["status"] must be in the range of 200 to 599, inclusive.');
  }
  // WebIDL ByteString: whatever is given is converted with ToString, as Node's Response does.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-conversion -- callers may pass any value
  const statusText = init?.statusText === undefined ? '' : String(init.statusText);
  if (statusText !== '' && !reasonPhrase.test(statusText)) {
    throw new TypeError('Response constructor: invalid statusText.');
  }
  if (body !== null && nullBodyStatuses.has(status)) {
    throw new TypeError(
      `Response constructor: invalid response status code ${status} for a response with a body.`,
    );
  }
  const headers = new LightHeaders(init?.headers);
  if (typeof body === 'string' && !hasLowerCaseName(headers, 'content-type')) {
    setTrusted(headers, 'content-type', defaultType);
  }
  return { status, statusText, headers, body, real: undefined };
}

function materialise(state: ResponseState): Response {
  if (state.real !== undefined) return state.real;
  const { Response: NodeResponse } = fetchClasses();
  state.real = new NodeResponse(state.body, {
    status: state.status,
    statusText: state.statusText,
    headers: [...state.headers],
  });
  return state.real;
}

/** The response to ask for `name`: the light one's materialised form, or a subclass instance of Node's own. */
function read(self: LightResponse, name: string): unknown {
  const state = self[stateKey];
  if (state === undefined) return Reflect.get(fetchClasses().Response.prototype, name, self);
  return Reflect.get(materialise(state), name);
}

function call(self: LightResponse, name: string, args: readonly unknown[] = []): unknown {
  const state = self[stateKey];
  const target: object = state === undefined ? self : materialise(state);
  const method = Reflect.get(state === undefined ? fetchClasses().Response.prototype : target, name) as (
    ...rest: unknown[]
  ) => unknown;
  return Reflect.apply(method, target, args);
}

/** Node's classes; from then on light instances are also `instanceof` Node's Response. */
function fetchClasses(): FetchClasses {
  const classes = loadFetchClasses();
  if (Object.getPrototypeOf(LightResponse.prototype) !== classes.Response.prototype) {
    Object.setPrototypeOf(LightResponse.prototype, classes.Response.prototype);
  }
  return classes;
}

/**
 * `Response` as the Fetch standard defines it; building one with a string, bytes, a stream or no
 * body does not load Node's fetch implementation. `instanceof Response` holds for these and for
 * Node's own.
 *
 * @example
 * ```ts
 * serve(() => new Response('hello', { headers: { 'content-type': 'text/plain' } }));
 * ```
 */
export class LightResponse {
  [stateKey]: ResponseState | undefined;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    const simple = simpleBody(body);
    if (simple === undefined) {
      const NodeResponse = fetchClasses().Response;
      return Reflect.construct(
        NodeResponse,
        [body, init],
        new.target === LightResponse ? NodeResponse : new.target,
      ) as LightResponse;
    }
    this[stateKey] = readInit(init, simple, 'text/plain;charset=UTF-8');
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (stateKey in value && value[stateKey] !== undefined) return true;
    return fetchClassesLoaded() && value instanceof fetchClasses().Response;
  }

  /** A JSON response (`application/json` unless `init` names a content type). */
  static json(data: unknown, init?: ResponseInit): Response {
    const body = JSON.stringify(data) as string | undefined;
    if (body === undefined) throw new TypeError('Response.json: the data is not JSON serializable.');
    const response = Object.create(LightResponse.prototype) as LightResponse;
    response[stateKey] = readInit(init, body, 'application/json');
    return response;
  }

  /** A redirect to an absolute `url` with status 301, 302 (default), 303, 307 or 308. */
  static redirect(url: string | URL, status = 302): Response {
    const location = new URL(String(url)).href;
    if (!redirectStatuses.has(status))
      throw new RangeError(`Response.redirect: invalid status code ${status}.`);
    return new LightResponse(null, { status, headers: { location } });
  }

  /** A network error response (Node's own). */
  static error(): Response {
    return fetchClasses().Response.error();
  }

  get status(): number {
    const state = this[stateKey];
    return state === undefined ? (read(this, 'status') as number) : state.status;
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status <= 299;
  }

  get statusText(): string {
    const state = this[stateKey];
    return state === undefined ? (read(this, 'statusText') as string) : state.statusText;
  }

  get headers(): Headers {
    const state = this[stateKey];
    if (state === undefined || state.real !== undefined) return read(this, 'headers') as Headers;
    return state.headers;
  }

  get type(): ResponseType {
    return this[stateKey]?.real === undefined && this[stateKey] !== undefined
      ? 'default'
      : (read(this, 'type') as ResponseType);
  }

  get url(): string {
    return this[stateKey]?.real === undefined && this[stateKey] !== undefined
      ? ''
      : (read(this, 'url') as string);
  }

  get redirected(): boolean {
    return this[stateKey]?.real === undefined && this[stateKey] !== undefined
      ? false
      : (read(this, 'redirected') as boolean);
  }

  get body(): ReadableStream<Uint8Array> | null {
    const state = this[stateKey];
    if (state !== undefined && state.real === undefined) {
      if (state.body === null) return null;
      if (typeof state.body === 'object' && !(state.body instanceof Uint8Array)) return state.body;
    }
    return read(this, 'body') as ReadableStream<Uint8Array> | null;
  }

  get bodyUsed(): boolean {
    const state = this[stateKey];
    if (state !== undefined && state.real === undefined && state.body === null) return false;
    return read(this, 'bodyUsed') as boolean;
  }

  clone(): Response {
    const state = this[stateKey];
    if (
      state !== undefined &&
      state.real === undefined &&
      (state.body === null || typeof state.body === 'string' || state.body instanceof Uint8Array)
    ) {
      const copy = new LightResponse(null);
      copy[stateKey] = { ...state, headers: new LightHeaders(state.headers), real: undefined };
      return copy;
    }
    return call(this, 'clone') as Response;
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    return call(this, 'arrayBuffer') as Promise<ArrayBuffer>;
  }

  blob(): Promise<Blob> {
    return call(this, 'blob') as Promise<Blob>;
  }

  bytes(): Promise<Uint8Array> {
    return call(this, 'bytes') as Promise<Uint8Array>;
  }

  formData(): Promise<FormData> {
    return call(this, 'formData') as Promise<FormData>;
  }

  json(): Promise<unknown> {
    return call(this, 'json') as Promise<unknown>;
  }

  text(): Promise<string> {
    return call(this, 'text') as Promise<string>;
  }

  get [Symbol.toStringTag](): string {
    return 'Response';
  }

  /** The simple form, while nothing has turned this response into Node's own. */
  [simpleResponseKey](): SimpleResponse | undefined {
    const state = this[stateKey];
    return state === undefined || state.real !== undefined ? undefined : state;
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Response { status: ${this.status}, statusText: ${JSON.stringify(this.statusText)}, headers: ${JSON.stringify([...(this.headers as unknown as LightHeaders)])} }`;
  }
}

/** True for a light response and for Node's own, without loading Node's classes to find out. */
export function isResponse(value: unknown): value is Response {
  if (typeof value !== 'object' || value === null) return false;
  // A light response of another copy of the runtime answers the shared key too.
  return (
    typeof (value as Partial<Record<typeof simpleResponseKey, unknown>>)[simpleResponseKey] === 'function' ||
    value instanceof LightResponse
  );
}
