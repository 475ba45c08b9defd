// Reads one header from `rawHeaders` without building `request.headers`: Node builds that
// object on first access, and a Node listener that never reads headers (or reads few) should
// not pay for it because thaw looked for a warm-up header or a Content-Length.
import type { IncomingMessage } from 'node:http';

/**
 * The first value of the header `lowerCaseName`, as Node's `request.headers` keeps for the
 * headers it does not join (Content-Length among them); undefined when absent.
 */
export function rawHeader(request: IncomingMessage, lowerCaseName: string): string | undefined {
  const raw = request.rawHeaders;
  const length = lowerCaseName.length;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    if (name.length === length && (name === lowerCaseName || name.toLowerCase() === lowerCaseName)) {
      return raw[index + 1];
    }
  }
  return undefined;
}

/**
 * The header `lowerCaseName` as Node's `request.headers` has it for a header it joins (any it
 * does not know, `x-request-id` and `ce-*` among them): every value in order, joined with ", ";
 * undefined when absent.
 */
export function joinedRawHeader(request: IncomingMessage, lowerCaseName: string): string | undefined {
  const raw = request.rawHeaders;
  const length = lowerCaseName.length;
  let joined: string | undefined;
  for (let index = 0; index < raw.length; index += 2) {
    const name = raw[index] as string;
    if (name.length === length && (name === lowerCaseName || name.toLowerCase() === lowerCaseName)) {
      const value = raw[index + 1] as string;
      joined = joined === undefined ? value : `${joined}, ${value}`;
    }
  }
  return joined;
}
