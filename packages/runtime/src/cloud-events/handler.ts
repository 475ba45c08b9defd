// Runs a CloudEvents function: the request is validated as a CloudEvents 1.0 event first (400
// naming the problems otherwise, the function not called); a returned event is the reply, in
// binary mode, validated as the cloudevents SDK validates it, with the invocation's W3C trace
// context when tracing is on (the broker sends the reply on in the same trace).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { binaryMessage } from './binary-reply.ts';
import type { CloudEventsSdk } from './sdk.ts';
import type { InvocationContext } from '../context.ts';
import { EventInvalidError } from '../errors.ts';
import { parseCloudEvent } from './parse.ts';
import type { CloudEventInit, ReceivedCloudEvent } from './types.ts';
import type { CloudEventFunction } from '../handlers/kinds.ts';
import { readBody } from '../handlers/read-body.ts';
import { rawHeader } from '../raw-headers.ts';
import { addTraceHeaders, currentTraceHeaders } from '../trace-context.ts';

/** Runs a CloudEvents function for one request; resolves with the status written. */
export async function runCloudEventHandler(
  fn: CloudEventFunction<never>,
  sdk: CloudEventsSdk,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  maxBodyBytes: number,
): Promise<number> {
  if (request.method !== 'POST') {
    return sendJson(
      response,
      405,
      {
        error: 'THAW_EVENT_INVALID',
        message: `CloudEvents are delivered with POST, not ${request.method ?? 'an unknown method'}.`,
      },
      { allow: 'POST' },
    );
  }
  const body = await readBody(request, maxBodyBytes);
  let event;
  try {
    // From rawHeaders: the ce-* and Content-Type headers in one pass.
    event = parseCloudEvent(request.rawHeaders, body);
  } catch (error) {
    if (!(error instanceof EventInvalidError)) throw error;
    return sendJson(response, 400, { error: error.code, message: error.message, problems: error.problems });
  }
  // Typed as unknown: a JavaScript handler may return null for "no reply".
  const reply: unknown = await fn(event as never, eventContext(request, ctx, event));
  if (reply === undefined || reply === null) {
    response.writeHead(204);
    response.end();
    return 204;
  }
  return sendReply(response, reply as CloudEventInit, sdk);
}

// In structured mode the event id is only known now; it names the invocation unless the caller
// sent its own x-request-id.
function eventContext(
  request: IncomingMessage,
  ctx: InvocationContext,
  event: ReceivedCloudEvent,
): InvocationContext {
  return rawHeader(request, 'x-request-id') === undefined && ctx.invocationId !== event.id
    ? (Object.create(ctx, { invocationId: { value: event.id, enumerable: true } }) as InvocationContext)
    : ctx;
}

/** Writes the returned event as a binary-mode reply, with the trace context when tracing is on. */
function sendReply(response: ServerResponse, reply: CloudEventInit, sdk: CloudEventsSdk): number {
  const { headers, body } = binaryMessage(reply, sdk);
  addTraceHeaders(headers, currentTraceHeaders());
  const out: Record<string, string | number> = headers;
  out['content-length'] =
    body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  response.writeHead(200, out);
  response.end(body);
  return 200;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): number {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  response.end(text);
  return status;
}
