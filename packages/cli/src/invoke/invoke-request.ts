// The request `thaw invoke` sends: plain HTTP, or a CloudEvent in binary mode (attributes as
// ce-* headers) or structured mode (the whole event as application/cloudevents+json), with the
// type, source and id defaulted as `func invoke` does.
import { randomUUID } from 'node:crypto';
import { UsageError } from '../usage-error.ts';

/** What the user asked for, after parsing. */
export interface InvokeInput {
  readonly target: string;
  readonly method: string | undefined;
  readonly path: string;
  readonly headers: readonly string[];
  readonly data: Buffer | undefined;
  readonly contentType: string | undefined;
  readonly event:
    | {
        readonly mode: 'binary' | 'structured';
        readonly type: string;
        readonly source: string;
        readonly id: string;
      }
    | undefined;
}

/** One HTTP request, ready for fetch(). */
export interface InvokeRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
}

/** Default CloudEvent attributes, as `func invoke` sends them. */
export const defaultEvent = { type: 'thaw.invoke', source: '/thaw/invoke' } as const;

/** A new event id. */
export function newEventId(): string {
  return randomUUID();
}

/** Builds the request from the input. */
export function invokeRequest(input: InvokeInput): InvokeRequest {
  const headers: Record<string, string> = {};
  for (const header of input.headers) {
    const at = header.indexOf(':');
    if (at <= 0) throw new UsageError(`--header needs "Name: value", not "${header}".`);
    headers[header.slice(0, at).trim().toLowerCase()] = header.slice(at + 1).trim();
  }
  let url: URL;
  try {
    url = new URL(input.path, input.target);
  } catch {
    throw new UsageError(`--target needs a URL such as http://127.0.0.1:8080, not "${input.target}".`);
  }
  const contentType = input.contentType ?? (input.data === undefined ? undefined : guessType(input.data));
  if (input.event === undefined) {
    if (contentType !== undefined) headers['content-type'] ??= contentType;
    return {
      url: url.href,
      method: input.method ?? (input.data === undefined ? 'GET' : 'POST'),
      headers,
      body: input.data,
    };
  }
  const { mode, type, source, id } = input.event;
  if (input.method !== undefined && input.method !== 'POST')
    throw new UsageError('CloudEvents are sent with POST; drop --method.');
  if (mode === 'binary') {
    Object.assign(headers, { 'ce-specversion': '1.0', 'ce-id': id, 'ce-type': type, 'ce-source': source });
    if (contentType !== undefined) headers['content-type'] = contentType;
    return { url: url.href, method: 'POST', headers, body: input.data };
  }
  const event: Record<string, unknown> = { specversion: '1.0', id, type, source };
  if (input.data !== undefined) {
    event['datacontenttype'] = contentType;
    if (contentType?.includes('json') === true) event['data'] = jsonData(input.data, contentType);
    else if (contentType?.startsWith('text/') === true) event['data'] = input.data.toString('utf8');
    else event['data_base64'] = input.data.toString('base64');
  }
  headers['content-type'] = 'application/cloudevents+json';
  return { url: url.href, method: 'POST', headers, body: Buffer.from(JSON.stringify(event)) };
}

// A structured event carries JSON data as JSON, so data said to be JSON must parse.
function jsonData(data: Buffer, contentType: string): unknown {
  try {
    return JSON.parse(data.toString('utf8')) as unknown;
  } catch (error) {
    throw new UsageError(
      `The data is not JSON (${(error as Error).message}), but its Content-Type is ${contentType}; fix the data or pass another --content-type.`,
    );
  }
}

// Data that parses as JSON is sent as JSON, anything else as text.
function guessType(data: Buffer): string {
  try {
    JSON.parse(data.toString('utf8'));
    return 'application/json';
  } catch {
    return 'text/plain; charset=utf-8';
  }
}
