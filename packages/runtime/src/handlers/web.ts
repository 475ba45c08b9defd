// Bridges node:http and the web-standard Request/Response a WebHandler speaks: the request body
// is read (bounded) before the handler runs, the response body is streamed with backpressure.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InvocationContext } from '../context.ts';
import { ThawError } from '../errors.ts';
import type { WebHandler } from './kinds.ts';
import { readBody } from './read-body.ts';

/**
 * Loads Node's fetch implementation, which backs `Request`, `Response` and `Headers` and is
 * loaded on their first use (tens of milliseconds on a small CPU). Run while the process waits
 * for its first request, it takes that cost off the first response; a request arriving meanwhile
 * waits no longer than it would have in the handler.
 */
export function preloadWebClasses(): void {
  // Absent under --no-experimental-fetch: the handler then fails on its own, with a clear error.
  if (typeof globalThis.Request !== 'function') return;
  new Request('http://localhost/', { headers: new Headers() });
}

/** Converts a Node request into a web `Request`, reading at most `maxBodyBytes` of body. */
export async function toWebRequest(
  request: IncomingMessage,
  maxBodyBytes: number,
  signal: AbortSignal,
): Promise<Request> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  const method = request.method ?? 'GET';
  const url = `http://${request.headers.host ?? 'localhost'}${request.url ?? '/'}`;
  const init: RequestInit = { method, headers, signal };
  if (method !== 'GET' && method !== 'HEAD') {
    const body = await readBody(request, maxBodyBytes);
    if (body.length > 0) init.body = body;
  }
  return new Request(url, init);
}

/** Writes a web `Response` onto a Node response, streaming its body. */
export async function writeWebResponse(
  response: Response,
  target: ServerResponse,
  method: string | undefined,
): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  target.writeHead(response.status, response.statusText, headers);
  if (response.body === null || method === 'HEAD') {
    target.end();
    return;
  }
  await writeBody(response.body, target);
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

/** Runs a web-standard handler for one request; resolves with the status written. */
export async function runWebHandler(
  handler: WebHandler,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  maxBodyBytes: number,
): Promise<number> {
  const clientGone = new AbortController();
  const onClose = (): void => {
    if (!response.writableFinished) clientGone.abort();
  };
  response.once('close', onClose);
  try {
    const webRequest = await toWebRequest(request, maxBodyBytes, clientGone.signal);
    const result: unknown = await handler(webRequest, ctx);
    if (!(result instanceof Response)) {
      throw new ThawError(
        'THAW_HANDLER_INVALID',
        `The handler returned ${result === null ? 'null' : typeof result} instead of a Response. Return new Response(…) or Response.json(…).`,
      );
    }
    try {
      await writeWebResponse(result, response, request.method);
    } catch (error) {
      // A client that leaves mid-body is not a handler failure.
      if (clientGone.signal.aborted) return result.status;
      throw error;
    }
    return result.status;
  } finally {
    response.off('close', onClose);
  }
}
