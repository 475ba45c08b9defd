// Turns an HTTP request into a CloudEvents 1.0 event, binary or structured mode, as strictly as
// the specification reads. The SDK's own parser fills in a missing id, time and specversion and
// accepts any specversion, so validation happens here, before the SDK sees anything.
import { EventInvalidError } from '../errors.ts';
import type { ReceivedCloudEvent } from './types.ts';

const required = ['id', 'source', 'specversion', 'type'] as const;
const stringAttributes = new Set([
  'id',
  'source',
  'specversion',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
]);
// RFC 3339 date-time, which the spec requires for `time`.
const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
// RFC 2046 media type, with optional parameters.
const mediaType = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;.*)?$/;
const attributeName = /^[a-z0-9]+$/;
// JSON text is UTF-8 (RFC 8259 §8.1). Buffer#toString replaces each invalid byte with U+FFFD,
// which can turn bytes that are not JSON at all into a valid JSON string; fatal decoding refuses
// them. ignoreBOM keeps a leading BOM in the text, where JSON.parse rejects it as before.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The headers of a request: Node's `request.headers`, or its `rawHeaders` (name, value, …). */
export type EventHeaders = Readonly<Record<string, string | string[] | undefined>> | readonly string[];

/** What parsing reads of the headers: the Content-Type and the `ce-*` headers, names lower-case. */
interface ReadHeaders {
  contentType: string | undefined;
  /** Whether any header is named `ce-*` (even one without a value). */
  binary: boolean;
  readonly ceNames: string[];
  readonly ceValues: string[];
}

/**
 * Parses and validates one HTTP request as a CloudEvent; throws {@link EventInvalidError}.
 * Given `rawHeaders`, it reads the headers it needs in one pass over that list, as
 * `request.headers` has them (a repeated Content-Type: the first; a repeated `ce-*` header: its
 * values joined with ", "), instead of scanning every key of the headers object twice.
 */
export function parseCloudEvent(headers: EventHeaders, body: Buffer): ReceivedCloudEvent {
  const read = isRawHeaders(headers) ? readRawHeaders(headers) : readHeaderRecord(headers);
  const { contentType } = read;
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  if (essence === 'application/cloudevents-batch+json') {
    throw new EventInvalidError([
      'batched mode (application/cloudevents-batch+json) is not supported; send one event per request',
    ]);
  }
  if (essence?.startsWith('application/cloudevents') === true) {
    if (essence !== 'application/cloudevents+json') {
      throw new EventInvalidError([
        `structured mode with Content-Type "${essence}" is not supported; use application/cloudevents+json`,
      ]);
    }
    return parseStructured(body);
  }
  if (!read.binary) {
    throw new EventInvalidError([
      `it has no ce-* headers (binary mode) and its Content-Type is ${contentType === undefined ? 'absent' : `"${contentType}"`}, not application/cloudevents+json (structured mode)`,
    ]);
  }
  return parseBinary(read, contentType, body);
}

function isRawHeaders(headers: EventHeaders): headers is readonly string[] {
  return Array.isArray(headers);
}

function readHeaderRecord(headers: Readonly<Record<string, string | string[] | undefined>>): ReadHeaders {
  const read: ReadHeaders = {
    contentType: headerValue(headers['content-type']),
    binary: false,
    ceNames: [],
    ceValues: [],
  };
  for (const [header, raw] of Object.entries(headers)) {
    if (!header.startsWith('ce-')) continue;
    read.binary = true;
    if (raw === undefined) continue;
    read.ceNames.push(header);
    read.ceValues.push(headerValue(raw) ?? '');
  }
  return read;
}

// "c", "e" (either case) and "-": the start of a ce-* header name.
const isCePrefix = (name: string): boolean =>
  (name.charCodeAt(0) | 0x20) === 0x63 && (name.charCodeAt(1) | 0x20) === 0x65 && name.charCodeAt(2) === 0x2d;

function readRawHeaders(raw: readonly string[]): ReadHeaders {
  const read: ReadHeaders = { contentType: undefined, binary: false, ceNames: [], ceValues: [] };
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index] as string;
    const value = raw[index + 1] as string;
    if (name.length >= 3 && isCePrefix(name)) {
      read.binary = true;
      const lower = name.toLowerCase();
      const seen = read.ceNames.indexOf(lower);
      if (seen === -1) {
        read.ceNames.push(lower);
        read.ceValues.push(value);
      } else read.ceValues[seen] = `${read.ceValues[seen] as string}, ${value}`;
    } else if (
      name.length === 12 &&
      read.contentType === undefined &&
      name.toLowerCase() === 'content-type'
    ) {
      // Node keeps the first Content-Type and drops any repeat.
      read.contentType = value;
    }
  }
  return read;
}

function parseBinary(read: ReadHeaders, contentType: string | undefined, body: Buffer): ReceivedCloudEvent {
  const problems: string[] = [];
  const event: Record<string, unknown> = {};
  const { ceNames, ceValues } = read;
  for (let index = 0; index < ceNames.length; index += 1) {
    const header = ceNames[index] as string;
    const name = header.slice(3);
    if (!attributeName.test(name)) {
      problems.push(
        `header "${header}" names attribute "${name}", but attribute names are lower-case letters and digits only`,
      );
      continue;
    }
    if (name === 'datacontenttype') {
      problems.push(
        'header "ce-datacontenttype" is not allowed in binary mode; the Content-Type header carries it',
      );
      continue;
    }
    if (name === 'data') {
      problems.push('header "ce-data" is not allowed; the body carries the data');
      continue;
    }
    const decoded = percentDecode(ceValues[index] as string);
    if (decoded === undefined) problems.push(`header "${header}" is not valid percent-encoded UTF-8`);
    else event[name] = decoded;
  }
  if (contentType !== undefined) event.datacontenttype = contentType;
  checkAttributes(event, problems, (name) => `ce-${name}`);
  if (problems.length === 0 && body.length > 0) {
    const data = decodeData(body, contentType, problems);
    if (data !== undefined) event.data = data;
  }
  if (problems.length > 0) throw new EventInvalidError(problems);
  return Object.freeze(event) as unknown as ReceivedCloudEvent;
}

function parseStructured(body: Buffer): ReceivedCloudEvent {
  let parsed: unknown;
  try {
    parsed = parseJson(body);
  } catch (error) {
    throw new EventInvalidError([`the structured-mode body is not valid JSON (${(error as Error).message})`]);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new EventInvalidError(['the structured-mode body must be a JSON object']);
  }
  const problems: string[] = [];
  const event: Record<string, unknown> = {};
  let dataBase64: unknown;
  let hasData = false;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (value === null) continue; // JSON format: null means the attribute is absent
    if (name === 'data') {
      event.data = value;
      hasData = true;
    } else if (name === 'data_base64') {
      dataBase64 = value;
    } else if (!attributeName.test(name)) {
      problems.push(`member "${name}" is not a valid attribute name (lower-case letters and digits only)`);
    } else if (stringAttributes.has(name) && typeof value !== 'string') {
      problems.push(`attribute "${name}" must be a string`);
      // Kept so the attribute is not also reported as missing; the event is rejected anyway.
      event[name] = value;
    } else if (typeof value === 'object') {
      problems.push(
        `extension "${name}" must be a string, a boolean or an integer, not ${Array.isArray(value) ? 'an array' : 'an object'}`,
      );
    } else if (
      typeof value === 'number' &&
      !(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31)
    ) {
      problems.push(`extension "${name}" is a number but not a 32-bit integer`);
    } else {
      event[name] = value;
    }
  }
  if (dataBase64 !== undefined) {
    if (hasData) problems.push('"data" and "data_base64" are mutually exclusive');
    else if (typeof dataBase64 !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(dataBase64)) {
      problems.push('"data_base64" must be a base64 string');
    } else event.data = Buffer.from(dataBase64, 'base64');
  }
  checkAttributes(event, problems, (name) => `"${name}"`);
  if (problems.length > 0) throw new EventInvalidError(problems);
  return Object.freeze(event) as unknown as ReceivedCloudEvent;
}

function checkAttributes(
  event: Record<string, unknown>,
  problems: string[],
  label: (name: string) => string,
): void {
  for (const name of required) {
    if (event[name] === undefined) problems.push(`required attribute ${label(name)} is missing`);
    else if (event[name] === '') problems.push(`required attribute ${label(name)} is empty`);
  }
  if (event.specversion !== undefined && event.specversion !== '' && event.specversion !== '1.0') {
    problems.push(`specversion ${JSON.stringify(event.specversion)} is not supported; only "1.0" is`);
  }
  const source = event.source;
  if (typeof source === 'string' && source !== '' && hasWhitespaceOrControl(source)) {
    problems.push(
      `${label('source')} must be a URI-reference, but contains whitespace or control characters`,
    );
  }
  const time = event.time;
  if (typeof time === 'string' && !(rfc3339.test(time) && !Number.isNaN(Date.parse(time)))) {
    problems.push(`${label('time')} "${time}" is not an RFC 3339 timestamp`);
  }
  const schema = event.dataschema;
  if (typeof schema === 'string' && !URL.canParse(schema))
    problems.push(`${label('dataschema')} "${schema}" is not an absolute URI`);
  const type = event.datacontenttype;
  if (typeof type === 'string' && !mediaType.test(type))
    problems.push(`content type "${type}" is not an RFC 2046 media type`);
  if (event.subject === '') problems.push(`${label('subject')} must not be empty when present`);
}

function decodeData(body: Buffer, contentType: string | undefined, problems: string[]): unknown {
  const essence = contentType?.split(';')[0]?.trim().toLowerCase();
  if (
    essence === undefined ||
    essence === 'application/json' ||
    essence.endsWith('+json') ||
    essence === 'text/json'
  ) {
    try {
      return parseJson(body);
    } catch (error) {
      problems.push(
        `the body is not valid JSON (${contentType ?? 'no Content-Type, so JSON is implied'}): ${(error as Error).message}`,
      );
      return undefined;
    }
  }
  if (essence.startsWith('text/')) return body.toString('utf8');
  return new Uint8Array(body);
}

function parseJson(body: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new SyntaxError('it is not valid UTF-8, which JSON requires');
  }
  return JSON.parse(text);
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function percentDecode(value: string): string | undefined {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function hasWhitespaceOrControl(text: string): boolean {
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (code <= 0x20 || code === 0x7f || /\s/.test(char)) return true;
  }
  return false;
}
