// Parses a request body by its Content-Type the way the other runtimes hand it to a function:
// JSON as a value, text as a string, an HTML form as an object, anything else as bytes.
import type { IncomingMessage } from 'node:http';
import { HttpError } from '../index.ts';

/** A parsed request body: `undefined` when the request carried none. */
export type ParsedBody = unknown;

/** The media type of a request, lower-cased, without parameters. */
export function mediaTypeOf(request: IncomingMessage): string | undefined {
  const header = request.headers['content-type'];
  if (header === undefined) return undefined;
  return header.split(';')[0]?.trim().toLowerCase();
}

/** True when the media type is JSON (`application/json` or a `+json` suffix). */
export function isJsonType(type: string | undefined): boolean {
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
}

/** Which media types a runtime parses as JSON and which it hands over as text. */
export interface BodyRules {
  readonly json: (type: string | undefined) => boolean;
  readonly text: (type: string | undefined) => boolean;
}

const anyText = (type: string | undefined): boolean => type?.startsWith('text/') === true;

/**
 * Parses `raw` as its media type says: JSON (400 when it does not parse), text as a string,
 * `application/x-www-form-urlencoded` as an object (repeated names become arrays), else the
 * bytes. By default JSON is `application/json` or a `+json` type and text is any `text/*`;
 * each runtime passes its own rules.
 */
export function parseBody(
  type: string | undefined,
  raw: Buffer,
  rules: BodyRules = { json: isJsonType, text: anyText },
): ParsedBody {
  if (raw.length === 0) return undefined;
  if (rules.json(type)) {
    try {
      return JSON.parse(raw.toString('utf8')) as unknown;
    } catch (error) {
      throw new HttpError(400, `The request body is not valid JSON: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  if (rules.text(type)) return raw.toString('utf8');
  if (type === 'application/x-www-form-urlencoded') return formToObject(raw.toString('utf8'));
  return raw;
}

/** An HTML form body as an object; a name sent twice becomes an array. */
export function formToObject(text: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(text)) {
    const previous = out[name];
    out[name] =
      previous === undefined ? value : Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return out;
}

/** The query string of a request target as an object, the same way as a form body. */
export function queryOf(url: string | undefined): Record<string, string | string[]> {
  const at = url?.indexOf('?') ?? -1;
  return at === -1 || url === undefined ? {} : formToObject(url.slice(at + 1));
}
