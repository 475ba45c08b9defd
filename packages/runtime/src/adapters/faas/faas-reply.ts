// What a faas handler's return value becomes on the wire, following faas-js-runtime's invoker:
// an event is sent in binary mode; nothing is a 204; a string is text; a StructuredReturn gives
// status, headers and body; any other object is JSON.
import type { CloudEventsSdk } from '../../cloud-events/sdk.ts';

/** One response, ready to write. */
export interface FaasAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | undefined;
}

/** True for a `cloudevents` SDK CloudEvent (also one from another copy of the SDK). */
export function isSdkCloudEvent(value: unknown, sdk: CloudEventsSdk | undefined): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (sdk !== undefined && value instanceof sdk.CloudEvent) return true;
  return (value as { constructor?: { name?: string } }).constructor?.name === 'CloudEvent';
}

/** The headers every faas answer starts with (faas-js-runtime's defaults, CORS included). */
export function defaultHeaders(
  origin: string | undefined,
  allowed: readonly string[] | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'access-control-allow-methods': 'OPTIONS, GET, DELETE, POST, PUT, HEAD, PATCH',
  };
  if (allowed === undefined) headers['access-control-allow-origin'] = '*';
  else if (origin !== undefined && allowed.includes(origin)) headers['access-control-allow-origin'] = origin;
  return headers;
}

/** Maps a handler's return value to the response faas-js-runtime would send. */
export function answerFor(
  returned: unknown,
  base: Record<string, string>,
  sdk: CloudEventsSdk | undefined,
): FaasAnswer {
  const headers = { ...base };
  if (isSdkCloudEvent(returned, sdk) && sdk !== undefined) {
    const message = sdk.HTTP.binary(returned as never);
    for (const [name, value] of Object.entries(message.headers)) {
      if (value !== undefined) headers[name.toLowerCase()] = String(value);
    }
    return { status: 200, headers, body: toBytes(message.body, headers) };
  }
  // A falsy return (undefined, null, '', 0, false) is "no content", as in faas-js-runtime.
  if (
    returned === undefined ||
    returned === null ||
    returned === '' ||
    returned === 0 ||
    returned === false
  ) {
    headers['content-type'] = 'text/plain';
    return { status: 204, headers, body: undefined };
  }
  if (typeof returned === 'string') {
    headers['content-type'] = 'text/plain; charset=utf-8';
    return { status: 200, headers, body: Buffer.from(returned) };
  }
  if (typeof returned !== 'object') {
    return { status: 200, headers, body: Buffer.from(JSON.stringify(returned)) };
  }
  const structured = returned as { statusCode?: unknown; headers?: unknown; body?: unknown };
  let userSetType = false;
  if (typeof structured.headers === 'object' && structured.headers !== null) {
    for (const [name, value] of Object.entries(structured.headers as Record<string, unknown>)) {
      headers[name.toLowerCase()] = String(value);
      if (name.toLowerCase() === 'content-type') userSetType = true;
    }
  }
  const status =
    typeof structured.statusCode === 'number' && structured.statusCode > 0 ? structured.statusCode : 200;
  if (structured.body !== undefined) {
    if (!userSetType && typeof structured.body === 'string')
      headers['content-type'] = 'text/plain; charset=utf-8';
    return { status, headers, body: toBytes(structured.body, headers) };
  }
  if (Buffer.isBuffer(returned)) {
    headers['content-type'] = 'application/octet-stream';
    return { status, headers, body: returned };
  }
  // No body: faas-js-runtime sends the returned object itself as JSON.
  headers['content-type'] = 'application/json; charset=utf-8';
  return { status, headers, body: Buffer.from(JSON.stringify(returned)) };
}

function toBytes(body: unknown, headers: Record<string, string>): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body);
  // A text content type with an object body is sent as its JSON text, as faas-js-runtime does.
  if (headers['content-type'] === undefined) headers['content-type'] = 'application/json; charset=utf-8';
  return Buffer.from(JSON.stringify(body));
}
