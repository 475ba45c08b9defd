/**
 * Stable error codes. Callers and docs rely on these strings; never rename one, only add.
 */
export type ThawErrorCode =
  | 'THAW_CONFIG_INVALID'
  | 'THAW_HANDLER_INVALID'
  | 'THAW_PORT_IN_USE'
  | 'THAW_INIT_FAILED'
  | 'THAW_INIT_DUPLICATE'
  | 'THAW_NOT_READY'
  | 'THAW_SHUTTING_DOWN'
  | 'THAW_CLIENT_GONE'
  | 'THAW_EVENT_INVALID'
  | 'THAW_SINK_MISSING'
  | 'THAW_PUBLISH_FAILED'
  | 'THAW_PEER_MISSING'
  | 'THAW_POOL_EXISTS'
  | 'THAW_POOL_EXHAUSTED'
  | 'THAW_POOL_CLOSED'
  | 'THAW_POOL_UNAVAILABLE'
  | 'THAW_POOL_NOT_FOUND'
  | 'THAW_POOL_LEAKED'
  | 'THAW_TELEMETRY_FAILED'
  | 'THAW_BODY_TOO_LARGE'
  | 'THAW_MEMORY_PRESSURE'
  | 'THAW_DRAIN_TIMEOUT'
  | 'THAW_HTTP_ERROR';

/**
 * The one public error class of thaw. `code` is stable; `message` is a full sentence that says
 * what happened and what to do; `cause` keeps the underlying error when one is wrapped.
 *
 * @example
 * ```ts
 * try {
 *   await db();
 * } catch (error) {
 *   if (error instanceof ThawError && error.code === 'THAW_INIT_FAILED') console.error(error.message);
 * }
 * ```
 */
export class ThawError extends Error {
  readonly code: ThawErrorCode;

  constructor(code: ThawErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ThawError';
    this.code = code;
  }
}

/**
 * A configuration value that is not allowed. Names the option, the value received and what is
 * allowed, so the message alone is enough to fix it.
 *
 * @example
 * ```ts
 * throw new ConfigError('port', 'abc', 'an integer from 0 to 65535');
 * ```
 */
export class ConfigError extends ThawError {
  readonly option: string;

  constructor(option: string, received: unknown, allowed: string, options?: { cause?: unknown }) {
    super(
      'THAW_CONFIG_INVALID',
      `Invalid ${option}: received ${describe(received)}; expected ${allowed}.`,
      options,
    );
    this.name = 'ConfigError';
    this.option = option;
  }
}

/**
 * An optional peer dependency is needed by the feature in use but is not installed.
 *
 * @example
 * ```ts
 * throw new PeerMissingError('pg', 'pools.pg()');
 * ```
 */
export class PeerMissingError extends ThawError {
  readonly packageName: string;

  constructor(packageName: string, feature: string, options?: { cause?: unknown }) {
    super(
      'THAW_PEER_MISSING',
      `${feature} needs the package "${packageName}", which is not installed. Install it in your function: npm install ${packageName}`,
      options,
    );
    this.name = 'PeerMissingError';
    this.packageName = packageName;
  }
}

/**
 * A request that is not a valid CloudEvent. `problems` lists every violation found.
 *
 * @example
 * ```ts
 * if (error instanceof EventInvalidError) console.log(error.problems);
 * ```
 */
export class EventInvalidError extends ThawError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('THAW_EVENT_INVALID', `The request is not a valid CloudEvents 1.0 event: ${problems.join('; ')}.`);
    this.name = 'EventInvalidError';
    this.problems = problems;
  }
}

/**
 * A request body over `maxBodyBytes`; answered 413.
 *
 * @example
 * ```ts
 * if (error instanceof BodyTooLargeError) console.log(error.limitBytes);
 * ```
 */
export class BodyTooLargeError extends ThawError {
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    super(
      'THAW_BODY_TOO_LARGE',
      `The request body is larger than maxBodyBytes (${limitBytes} bytes). Send a smaller body or raise maxBodyBytes.`,
    );
    this.name = 'BodyTooLargeError';
    this.limitBytes = limitBytes;
  }
}

/**
 * Thrown by a handler to answer a client error on purpose: the request gets `status` and a JSON
 * body `{ error, message }` with this message, and the handler's failure is not logged as a
 * server error. Any other error thrown by a handler is a 500 whose message stays in the log.
 *
 * @example
 * ```ts
 * serve(cloudEvent((event) => {
 *   if (event.data === undefined) throw new HttpError(400, 'An order event needs data.');
 *   return undefined;
 * }));
 * ```
 */
export class HttpError extends ThawError {
  readonly status: number;

  constructor(status: number, message: string, options?: { cause?: unknown }) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new ConfigError('HttpError status', status, 'an integer from 400 to 599');
    }
    super('THAW_HTTP_ERROR', message, options);
    this.name = 'HttpError';
    this.status = status;
  }
}

// How a received value appears in an error message: strings and scalars shown, objects and
// functions only by kind, since a config object may carry a token. @thaw/slim and @thaw/bench
// each own a copy of this rule on purpose (their describe-value.ts), so that every package
// installs alone and depends on no internal module of another.
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}

/**
 * Replaces passwords and tokens in connection strings (`postgres://user:secret@host`,
 * `?password=…`) so error messages and logs never carry secrets.
 *
 * @example
 * ```ts
 * redactSecrets('postgres://app:hunter2@db/app'); // 'postgres://app:***@db/app'
 * ```
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/\s]*@/gi, '$1***@')
    .replace(/\b(password|passwd|pwd|token|secret|api[_-]?key)=([^&\s;]+)/gi, '$1=***');
}
