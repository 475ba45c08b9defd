// CloudEvents over HTTP as the broker receives and sends them (CloudEvents HTTP protocol binding
// 1.0): binary mode (attributes in `ce-*` headers, data as the body, `content-type` as
// `datacontenttype`) and structured mode (`application/cloudevents+json`, the whole event as
// JSON, data as `data` or `data_base64`). Events are kept as attributes plus the data's bytes, so
// that they are forwarded byte for byte.
import type { IncomingHttpHeaders } from 'node:http';

/** An event inside the broker: every context attribute (extensions too) as text, data as bytes. */
export interface BrokerEvent {
  readonly attributes: Readonly<Record<string, string>>;
  readonly data: Buffer | undefined;
}

/** Thrown for a request that is not one valid CloudEvent; the ingress answers 400 with it. */
export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

const attributeName = /^[a-z0-9]{1,20}$/;
const required = ['specversion', 'id', 'source', 'type'] as const;

type Headers = IncomingHttpHeaders | Headers_;
type Headers_ = Readonly<Record<string, string | string[] | undefined>>;

function header(headers: Headers, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Whether a message (a request, or a subscriber's response) carries an event at all. */
export function carriesEvent(headers: Headers): boolean {
  return header(headers, 'ce-specversion') !== undefined || isStructured(headers);
}

function isStructured(headers: Headers): boolean {
  return (header(headers, 'content-type') ?? '').toLowerCase().startsWith('application/cloudevents+json');
}

/** Reads the event of a message in either mode; throws {@link InvalidEventError} saying what is wrong. */
export function readEvent(headers: Headers, body: Buffer): BrokerEvent {
  if (
    (header(headers, 'content-type') ?? '').toLowerCase().startsWith('application/cloudevents-batch+json')
  ) {
    throw new InvalidEventError(
      'Batched events are not accepted by a broker ingress; send one event per request.',
    );
  }
  const event = isStructured(headers) ? readStructured(body) : readBinary(headers, body);
  check(event);
  return event;
}

function readBinary(headers: Headers, body: Buffer): BrokerEvent {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!name.startsWith('ce-') || value === undefined) continue;
    const text = Array.isArray(value) ? value.join(',') : value;
    attributes[name.slice(3)] = decodeHeaderValue(text);
  }
  const contentType = header(headers, 'content-type');
  if (contentType !== undefined) attributes['datacontenttype'] = contentType;
  return { attributes, data: body.length === 0 ? undefined : body };
}

function readStructured(body: Buffer): BrokerEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidEventError('The structured-mode body is not JSON.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidEventError('The structured-mode body is not a JSON object.');
  }
  const attributes: Record<string, string> = {};
  let data: Buffer | undefined;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (name === 'data') {
      data =
        typeof value === 'string' && !isJson(parsed)
          ? Buffer.from(value)
          : Buffer.from(JSON.stringify(value));
    } else if (name === 'data_base64') {
      if (typeof value !== 'string') throw new InvalidEventError('data_base64 must be a string.');
      data = Buffer.from(value, 'base64');
    } else if (value !== null) {
      attributes[name] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return { attributes, data };
}

function isJson(event: object): boolean {
  const type = (event as { datacontenttype?: unknown }).datacontenttype;
  return type === undefined || (typeof type === 'string' && /[/+]json(;|$)/i.test(type));
}

function check(event: BrokerEvent): void {
  for (const name of required) {
    if ((event.attributes[name] ?? '') === '') throw new InvalidEventError(`The event has no ${name}.`);
  }
  if (event.attributes['specversion'] !== '1.0') {
    throw new InvalidEventError(`specversion must be 1.0; received ${event.attributes['specversion']}.`);
  }
  for (const name of Object.keys(event.attributes)) {
    if (!attributeName.test(name)) {
      throw new InvalidEventError(`Attribute name "${name}" is not 1 to 20 lower-case letters or digits.`);
    }
  }
}

/** The headers and body that send an event in binary mode. */
export function binaryMessage(event: BrokerEvent): {
  headers: Record<string, string>;
  body: Buffer | undefined;
} {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.attributes)) {
    if (name === 'datacontenttype') headers['content-type'] = value;
    else headers[`ce-${name}`] = encodeHeaderValue(value);
  }
  return { headers, body: event.data };
}

/** The event with some attributes set (or, with undefined, removed). */
export function withAttributes(event: BrokerEvent, changes: Record<string, string | undefined>): BrokerEvent {
  const merged = { ...event.attributes, ...changes };
  const attributes = Object.fromEntries(
    Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
  return { attributes, data: event.data };
}

// The binding percent-encodes what a header cannot carry: space, '"', '%', and anything outside
// printable ASCII.
function encodeHeaderValue(value: string): string {
  return Array.from(value)
    .map((char) => {
      const code = char.codePointAt(0) ?? 0;
      if (code > 0x20 && code < 0x7f && char !== '"' && char !== '%') return char;
      return encodeURIComponent(char).replace(
        /[!'()*]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
      );
    })
    .join('');
}

function decodeHeaderValue(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
