// Bridges node:http and the web-standard Request/Response a WebHandler speaks: the request body
// is read (bounded) before the handler runs, the response body is streamed with backpressure.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import type { InvocationContext } from '../context.ts';
import { ThawError } from '../errors.ts';
import type { WebHandler } from './kinds.ts';
import { readBody } from './read-body.ts';

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
  await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), target);
}

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
