// Logs are one JSON object per line on stderr, the shape log collectors on Knative parse
// without configuration. Messages go through redactSecrets so a connection string in an
// error never reaches a log.
import { redactSecrets } from './errors.ts';

// Not `import … from 'node:fs'`: an ES import of a builtin builds a namespace of all its exports,
// and node:fs's lazy getters then load its stream classes (milliseconds at startup) for nothing.
const { writeSync } = process.getBuiltinModule('node:fs');

/** Extra fields of a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/**
 * Where the runtime writes its log lines; inject one to route them elsewhere.
 *
 * @example
 * ```ts
 * serve(handler, { logger: { info: console.log, warn: console.warn, error: console.error } });
 * ```
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** Describes an unknown thrown value for a log line or a response body, secrets removed. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return redactSecrets(`${error.name}: ${error.message}`);
  return redactSecrets(String(error));
}

/**
 * Writes a line to file descriptor 2 directly. `process.stderr` is built on first access, which
 * costs milliseconds, and the runtime's first log line ("Listening on …") sits right before the
 * first response; on Linux `process.stderr` writes synchronously to pipes, files and terminals
 * alike, so writing to the descriptor keeps the order of lines. A write the descriptor refuses
 * (or takes only in part) goes through `process.stderr` instead.
 */
export function writeToStderr(line: string): void {
  // Elsewhere process.stderr may write asynchronously, and only the stream keeps lines in order.
  if (process.platform === 'win32') {
    process.stderr.write(line);
    return;
  }
  const bytes = Buffer.from(line);
  let written = 0;
  try {
    written = writeSync(2, bytes);
  } catch {
    // EAGAIN on a non-blocking pipe, or no descriptor 2: the stream queues and reports it.
  }
  if (written < bytes.length) process.stderr.write(bytes.subarray(written));
}

/**
 * The default logger: JSON lines on stderr with `level`, `msg`, `time` and the fields given.
 *
 * @example
 * ```ts
 * const logger = jsonLogger((line) => process.stderr.write(line));
 * logger.info('listening', { port: 8080 });
 * ```
 */
export function jsonLogger(write: (line: string) => void = writeToStderr): Logger {
  const emit = (level: 'info' | 'warn' | 'error', message: string, fields?: LogFields): void => {
    const record: Record<string, unknown> = { level, msg: redactSecrets(message), time: Date.now() };
    if (fields !== undefined) {
      for (const [key, value] of Object.entries(fields)) {
        record[key] = typeof value === 'string' ? redactSecrets(value) : value;
      }
    }
    try {
      write(`${JSON.stringify(record)}\n`);
    } catch {
      // A log line that cannot be serialized or written must never break a request.
    }
  };
  return {
    info: (message, fields) => {
      emit('info', message, fields);
    },
    warn: (message, fields) => {
      emit('warn', message, fields);
    },
    error: (message, fields) => {
      emit('error', message, fields);
    },
  };
}
