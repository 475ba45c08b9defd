// The binary-mode HTTP message of an event a function returns (its reply) — the same headers and
// body as the cloudevents SDK's `HTTP.binary(new CloudEvent(init))`. An event whose attributes
// plainly meet the spec (the common reply: a type, a source, data, a few string extensions) has
// its headers written directly: the SDK's constructor (a copy, a uuid, a JSON-schema validation)
// and its header mapping were a tenth of a CloudEvents function's CPU. Any other event goes
// through the SDK, which validates it and throws its own ValidationError, as before.
import type { CloudEventsSdk } from './sdk.ts';
import type { CloudEventInit } from './types.ts';

/** The headers (lower-case names) and body of a binary-mode message. */
export interface BinaryMessage {
  readonly headers: Record<string, string>;
  /** Undefined for an event without data. */
  readonly body: string | Uint8Array | undefined;
}

// The SDK's default for the content-type of binary-mode data.
const defaultContentType = 'application/json; charset=utf-8';
// Attributes the SDK treats specially (CloudEvents 0.3, base64 data): left to it.
const leftToSdk = new Set(['datacontentencoding', 'schemaurl', 'data_base64']);
const standard = new Set([
  'id',
  'time',
  'type',
  'source',
  'specversion',
  'datacontenttype',
  'subject',
  'dataschema',
  'data',
]);
const attributeName = /^[a-z0-9]+$/;
// RFC 3339 with a T, seconds, and a Z or ±hh:mm offset: a subset of what the SDK's schema accepts.
const timestamp =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

/**
 * The binary-mode message of `init`, validated as the SDK validates an event it constructs.
 *
 * @example
 * ```ts
 * const { headers, body } = binaryMessage({ type: 'com.example.done', source: '/orders', data: { ok: true } }, sdk);
 * ```
 */
export function binaryMessage(init: CloudEventInit, sdk: CloudEventsSdk): BinaryMessage {
  return directMessage(init, sdk) ?? sdkMessage(init, sdk);
}

/** Through the SDK: `new CloudEvent` validates (throwing its ValidationError), `HTTP.binary` maps. */
export function sdkMessage(init: CloudEventInit, sdk: CloudEventsSdk): BinaryMessage {
  const message = sdk.HTTP.binary(new sdk.CloudEvent({ ...init }));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = String(value);
  }
  const payload = message.body;
  const body =
    payload === undefined || payload === null
      ? undefined
      : typeof payload === 'string' || payload instanceof Uint8Array
        ? payload
        : JSON.stringify(payload);
  if (body === undefined) delete headers['content-type'];
  return { headers, body };
}

/** The message built here, or undefined when anything about `init` is for the SDK to judge. */
function directMessage(init: CloudEventInit, sdk: CloudEventsSdk): BinaryMessage | undefined {
  const { id, time, type, source, specversion, datacontenttype, subject, dataschema, data } = init;
  if (!nonEmpty(type) || !nonEmpty(source) || !validSource(source, sdk)) return undefined;
  if (specversion !== undefined && specversion !== '1.0') return undefined;
  if (id !== undefined && !nonEmpty(id)) return undefined;
  if (time !== undefined && !validTime(time)) return undefined;
  if (datacontenttype !== undefined && !nonEmpty(datacontenttype)) return undefined;
  if (subject !== undefined && !nonEmpty(subject)) return undefined;
  if (dataschema !== undefined) return undefined;
  const body = dataBody(data);
  if (body === false) return undefined;
  // In the SDK's order: the default content type, then the event's attributes, extensions last.
  const headers: Record<string, string> = {
    'content-type': defaultContentType,
    'ce-id': id ?? randomUUID(),
    'ce-time': time === undefined ? new Date().toISOString() : new Date(time).toISOString(),
    'ce-type': type,
    'ce-source': source,
    'ce-specversion': '1.0',
  };
  if (datacontenttype !== undefined) headers['content-type'] = datacontenttype;
  if (subject !== undefined) headers['ce-subject'] = subject;
  for (const name of Object.keys(init)) {
    if (standard.has(name)) continue;
    const value = init[name];
    if (leftToSdk.has(name)) {
      // Absent in effect (the SDK drops it); with a value, the SDK's special handling applies.
      if (value === undefined) continue;
      return undefined;
    }
    if (!attributeName.test(name) || !extensionValue(value)) return undefined;
    headers[`ce-${name}`] = String(value);
  }
  if (body === undefined) delete headers['content-type'];
  return { headers, body };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

// What an extension header can carry as it is; anything else (a Date, bytes, an object) the SDK judges.
function extensionValue(value: unknown): value is string | boolean | number {
  return typeof value === 'string' || typeof value === 'boolean' || Number.isInteger(value);
}

/** The body for `data` as `HTTP.binary` gives it; false when the SDK has to judge the data. */
function dataBody(data: unknown): string | Uint8Array | undefined | false {
  if (data === undefined) return undefined;
  if (typeof data === 'string') return data;
  if (typeof data === 'boolean' || (typeof data === 'number' && Number.isFinite(data))) {
    return JSON.stringify(data);
  }
  if (typeof data !== 'object') return false;
  if (data === null) return 'null';
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return false;
  const text = JSON.stringify(data) as string | undefined;
  return text === undefined ? false : text;
}

/** An RFC 3339 timestamp of a real day: one the SDK's date-time format accepts too. */
function validTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = timestamp.exec(value);
  if (match === null) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  // Day 0 of the next month is the last day of this one.
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate() && !Number.isNaN(Date.parse(value));
}

// A reply's source is usually one constant: the SDK's verdict (its uri-reference format) is
// asked once per distinct source and remembered, for a bounded number of them.
const sourceVerdicts = new Map<string, boolean>();
const maxRemembered = 256;

function validSource(source: string, sdk: CloudEventsSdk): boolean {
  const known = sourceVerdicts.get(source);
  if (known !== undefined) return known;
  let valid: boolean;
  try {
    new sdk.CloudEvent({ id: 'x', type: 'x', source, specversion: '1.0', time: '2000-01-01T00:00:00Z' });
    valid = true;
  } catch {
    valid = false;
  }
  if (sourceVerdicts.size < maxRemembered) sourceVerdicts.set(source, valid);
  return valid;
}

let uuid: (() => string) | undefined;

// node:crypto's randomUUID, as the SDK's uuid v4 draws an id; looked up on the first reply.
function randomUUID(): string {
  uuid ??= process.getBuiltinModule('node:crypto').randomUUID;
  return uuid();
}
