// The WHATWG `Headers` class, without Node's fetch implementation: names case-insensitive and
// validated, values normalised, iteration sorted and combined, `set-cookie` kept apart. Request
// headers are built from Node's raw header list only when a handler reads them.
import { fetchClasses, fetchClassesLoaded } from './fetch-classes.ts';

const tokenPattern = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// HTTP whitespace at either end is dropped; NUL, CR and LF inside, or a char above 0xFF, are refused.
const edgeWhitespace = /^[\t\n\r ]+|[\t\n\r ]+$/g;
const forbiddenInValue = /[\0\r\n]|[^\0-\xff]/;

function checkName(name: unknown, method: string): string {
  const text = String(name);
  if (!tokenPattern.test(text))
    throw new TypeError(`Headers.${method}: "${text}" is an invalid header name.`);
  return text.toLowerCase();
}

// Tab, LF, CR and space: the whitespace a value loses at either end.
function isHttpWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function checkValue(value: unknown, method: string): string {
  let text = typeof value === 'string' ? value : String(value);
  // Most values have no whitespace at their ends: test two characters before running a regex.
  if (
    text.length > 0 &&
    (isHttpWhitespace(text.charCodeAt(0)) || isHttpWhitespace(text.charCodeAt(text.length - 1)))
  ) {
    text = text.replace(edgeWhitespace, '');
  }
  if (forbiddenInValue.test(text))
    throw new TypeError(`Headers.${method}: "${text}" is an invalid header value.`);
  return text;
}

/** What `new Headers(init)` accepts. */
export type HeadersInit = ConstructorParameters<typeof Headers>[0];

const entriesKey: unique symbol = Symbol('entries');
const sortedKey: unique symbol = Symbol('sorted');

/**
 * `Headers` as the Fetch standard defines it, usable before (and without) Node's fetch
 * implementation loads. `instanceof Headers` holds for these and for Node's own.
 *
 * @example
 * ```ts
 * const headers = new Headers({ 'content-type': 'text/plain' });
 * headers.append('set-cookie', 'a=1');
 * headers.getSetCookie(); // ['a=1']
 * ```
 */
export class LightHeaders {
  /** Lower-cased name → its values in the order they were added. */
  [entriesKey] = new Map<string, string[]>();
  [sortedKey]: Array<[string, string]> | undefined = undefined;

  constructor(init?: HeadersInit) {
    if (init === undefined) return;
    const given: unknown = init;
    if (given === null || (typeof given !== 'object' && typeof given !== 'function')) {
      throw new TypeError(
        'Headers constructor: the init argument must be a Headers object, an array of [name, value] pairs or a record of names to values.',
      );
    }
    const iterator = (init as Partial<Iterable<unknown>>)[Symbol.iterator];
    if (typeof iterator === 'function') {
      for (const pair of init as Iterable<unknown>) {
        if (
          pair === null ||
          typeof pair !== 'object' ||
          typeof (pair as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function'
        ) {
          throw new TypeError('Headers constructor: each header must be a [name, value] pair.');
        }
        const items = [...(pair as Iterable<unknown>)];
        if (items.length !== 2) {
          throw new TypeError(
            `Headers constructor: expected name/value pair to be length 2, found ${items.length}.`,
          );
        }
        this.append(items[0] as string, items[1] as string);
      }
      return;
    }
    for (const name of Object.keys(init)) this.append(name, (init as Record<string, string>)[name] as string);
  }

  /** Request headers from Node's `rawHeaders` (already validated by its parser). */
  static fromRaw(raw: readonly string[]): LightHeaders {
    const headers = new LightHeaders();
    const entries = headers[entriesKey];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = (raw[i] as string).toLowerCase();
      const list = entries.get(name);
      if (list === undefined) entries.set(name, [raw[i + 1] as string]);
      else list.push(raw[i + 1] as string);
    }
    return headers;
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    if (entriesKey in value) return true;
    return fetchClassesLoaded() && value instanceof fetchClasses().Headers;
  }

  append(name: string, value: string): void {
    const lower = checkName(name, 'append');
    const normalised = checkValue(value, 'append');
    const list = this[entriesKey].get(lower);
    if (list === undefined) this[entriesKey].set(lower, [normalised]);
    else list.push(normalised);
    this[sortedKey] = undefined;
  }

  set(name: string, value: string): void {
    this[entriesKey].set(checkName(name, 'set'), [checkValue(value, 'set')]);
    this[sortedKey] = undefined;
  }

  delete(name: string): void {
    if (this[entriesKey].delete(checkName(name, 'delete'))) this[sortedKey] = undefined;
  }

  get(name: string): string | null {
    const list = this[entriesKey].get(checkName(name, 'get'));
    return list === undefined ? null : list.join(', ');
  }

  has(name: string): boolean {
    return this[entriesKey].has(checkName(name, 'has'));
  }

  getSetCookie(): string[] {
    return [...(this[entriesKey].get('set-cookie') ?? [])];
  }

  forEach(callback: (value: string, name: string, parent: LightHeaders) => void, thisArg?: unknown): void {
    if (typeof callback !== 'function') {
      throw new TypeError('Headers.forEach: the callback argument must be a function.');
    }
    for (const [name, value] of this.#sorted()) callback.call(thisArg, value, name, this);
  }

  *entries(): IterableIterator<[string, string]> {
    yield* this.#sorted();
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.#sorted()) yield name;
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.#sorted()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Headers';
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    const shown = this.#sorted()
      .map(([name, value]) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`)
      .join(', ');
    return `Headers { ${shown} }`;
  }

  /** The sort-and-combine list the standard iterates; set-cookie values stay separate. */
  #sorted(): Array<[string, string]> {
    if (this[sortedKey] !== undefined) return this[sortedKey];
    const sorted: Array<[string, string]> = [];
    for (const name of [...this[entriesKey].keys()].sort()) {
      const list = this[entriesKey].get(name) as string[];
      if (name === 'set-cookie') for (const value of list) sorted.push([name, value]);
      else sorted.push([name, list.join(', ')]);
    }
    this[sortedKey] = sorted;
    return sorted;
  }
}

/**
 * Whether `headers` holds `lowerCaseName`, without validating the name (the caller's is a
 * lower-case constant).
 */
export function hasLowerCaseName(headers: LightHeaders, lowerCaseName: string): boolean {
  return headers[entriesKey].has(lowerCaseName);
}

/** Sets a header the runtime itself chose (a valid lower-case name and value), without checks. */
export function setTrusted(headers: LightHeaders, lowerCaseName: string, value: string): void {
  headers[entriesKey].set(lowerCaseName, [value]);
  headers[sortedKey] = undefined;
}

/** The headers as Node's `writeHead` takes them: set-cookie as a list, every other name combined. */
export function toNodeHeaders(headers: Headers | LightHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (entriesKey in headers) {
    for (const [name, list] of headers[entriesKey]) {
      // Most names have one value: no join for them.
      out[name] =
        name === 'set-cookie' ? [...list] : list.length === 1 ? (list[0] as string) : list.join(', ');
    }
    return out;
  }
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') out[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) out['set-cookie'] = cookies;
  return out;
}
