// Bridges node:http and the web-standard Request/Response a WebHandler speaks. The handler gets a
// light Request over Node's (its body read on demand, bounded); a light Response with a string,
// bytes or no body is written straight onto Node's response, a streamed body with backpressure.
// Loaded with the light classes as one chunk, on first use (web-loader.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvocationContext } from '../context.ts';
import { ThawError } from '../errors.ts';
import { toNodeHeaders } from '../web/light-headers.ts';
import { lightRequest } from '../web/light-request.ts';
import { simpleResponseKey } from '../process-keys.ts';
import { isResponse, type SimpleResponse } from '../web/light-response.ts';
import type { WebHandler } from './kinds.ts';

export { installLightFetchClasses } from '../web/install.ts';

// Statuses whose responses never carry a body, so no Content-Length is added for them.
const bodylessStatuses = new Set([101, 103, 204, 205, 304]);

type MaybeLight = Response & { [simpleResponseKey]?: () => SimpleResponse | undefined };

function writeHead(
  target: ServerResponse,
  status: number,
  statusText: string,
  headers: Record<string, string | string[]>,
): void {
  if (statusText === '') target.writeHead(status, headers);
  else target.writeHead(status, statusText, headers);
}

/**
 * Writes a web `Response` (light or Node's own) onto a Node response, streaming its body. A
 * string, bytes or no body is written at once (undefined is returned); a stream resolves when written.
 */
export function writeWebResponse(
  response: Response,
  target: ServerResponse,
  method: string | undefined,
): Promise<void> | undefined {
  const simple = (response as MaybeLight)[simpleResponseKey]?.();
  const status = simple?.status ?? response.status;
  const headers = toNodeHeaders(simple?.headers ?? response.headers);
  const body = simple === undefined ? response.body : simple.body;
  if (body === null || typeof body === 'string' || body instanceof Uint8Array) {
    if (headers['content-length'] === undefined && !bodylessStatuses.has(status)) {
      headers['content-length'] = String(
        body === null ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength,
      );
    }
    writeHead(target, status, simple?.statusText ?? response.statusText, headers);
    if (body === null || method === 'HEAD') target.end();
    else target.end(body);
    return undefined;
  }
  writeHead(target, status, simple?.statusText ?? response.statusText, headers);
  if (method === 'HEAD') {
    target.end();
    body.cancel().catch(ignore);
    return undefined;
  }
  return writeBody(body, target);
}

/**
 * Copies a web stream onto the Node response with its reader: the first `Readable.fromWeb` +
 * `pipeline` in a process costs milliseconds on the cold path, a reader loop almost nothing.
 * Waits for `drain` when the socket is full; a client that leaves cancels the body stream (so a
 * long or endless stream stops) and rejects, as a pipeline would.
 */
async function writeBody(body: ReadableStream<Uint8Array>, target: ServerResponse): Promise<void> {
  const reader = body.getReader();
  // An object read through a function: the listeners change it between awaits.
  const state: { closed: boolean; wake: (() => void) | undefined } = { closed: false, wake: undefined };
  const gone = (): boolean => state.closed;
  const waitFor = (start: () => void): Promise<void> =>
    new Promise((resolve) => {
      state.wake = resolve;
      start();
    });
  const onClose = (): void => {
    state.closed = true;
    state.wake?.();
    if (!target.writableFinished) reader.cancel(new ThawError('THAW_CLIENT_GONE', clientGone)).catch(ignore);
  };
  const onWake = (): void => state.wake?.();
  target.on('close', onClose);
  target.on('drain', onWake);
  target.on('finish', onWake);
  try {
    for (;;) {
      const chunk = await reader.read();
      if (gone()) break;
      if (chunk.done) {
        await waitFor(() => target.end());
        if (target.writableFinished) return;
        break;
      }
      if (!target.write(chunk.value)) await waitFor(ignore);
      if (gone()) break;
    }
  } catch (error) {
    reader.cancel(error).catch(ignore);
    throw error;
  } finally {
    target.off('close', onClose);
    target.off('drain', onWake);
    target.off('finish', onWake);
  }
  throw new ThawError('THAW_CLIENT_GONE', clientGone);
}

const clientGone = 'The client closed the connection before the response body was written.';
const ignore = (): void => undefined;

function notAResponse(result: unknown): ThawError {
  return new ThawError(
    'THAW_HANDLER_INVALID',
    `The handler returned ${result === null ? 'null' : typeof result} instead of a Response. Return new Response(…) or Response.json(…).`,
  );
}

/** True once a client has left in the middle of the body (not a handler failure). */
function leftMidBody(response: ServerResponse): boolean {
  return response.destroyed && !response.writableFinished;
}

/** Where {@link serveWebRequest} sends a failure: answered (413, 500…) by the pipeline. */
export type WebFailure = (response: ServerResponse, ctx: InvocationContext, error: unknown) => void;

/**
 * Runs a web-standard handler for one request when nothing waits for its outcome (no invocation
 * wrapper): the handler is called at once, a Response it returns synchronously is written at
 * once, and only a promise it returns is awaited. A failure, thrown or rejected, goes to `fail`.
 * The same semantics as {@link runWebHandler}, without its promise chain on every request.
 */
export function serveWebRequest(
  handler: WebHandler,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  maxBodyBytes: number,
  fail: WebFailure,
): void {
  let result: unknown;
  try {
    result = handler(lightRequest(request, maxBodyBytes, response), ctx);
  } catch (error) {
    fail(response, ctx, error);
    return;
  }
  if (isThenable(result)) void settle(result, request, response, ctx, fail);
  else writeResult(result, request, response, ctx, fail);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Partial<PromiseLike<unknown>>).then === 'function'
  );
}

async function settle(
  pending: PromiseLike<unknown>,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  fail: WebFailure,
): Promise<void> {
  let result: unknown;
  try {
    result = await pending;
  } catch (error) {
    fail(response, ctx, error);
    return;
  }
  writeResult(result, request, response, ctx, fail);
}

function writeResult(
  result: unknown,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  fail: WebFailure,
): void {
  if (!isResponse(result)) {
    fail(response, ctx, notAResponse(result));
    return;
  }
  let writing: Promise<void> | undefined;
  // As in runWebHandler: a client that leaves mid-body is not a handler failure.
  try {
    writing = writeWebResponse(result, response, request.method);
  } catch (error) {
    if (!leftMidBody(response)) fail(response, ctx, error);
    return;
  }
  writing?.then(undefined, (error: unknown) => {
    if (!leftMidBody(response)) fail(response, ctx, error);
  });
}

/**
 * Runs a web-standard handler for one request; resolves with the status written. Nothing listens
 * for the client leaving unless the handler reads `request.signal` or streams a body.
 */
export async function runWebHandler(
  handler: WebHandler,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  maxBodyBytes: number,
): Promise<number> {
  const result: unknown = await handler(lightRequest(request, maxBodyBytes, response), ctx);
  if (!isResponse(result)) throw notAResponse(result);
  try {
    const writing = writeWebResponse(result, response, request.method);
    if (writing !== undefined) await writing;
  } catch (error) {
    // A client that leaves mid-body is not a handler failure.
    if (leftMidBody(response)) return result.status;
    throw error;
  }
  return result.status;
}
