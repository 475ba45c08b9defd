import { describeValue } from './describe-value.ts';

/**
 * Stable error codes of @thaw/bench. Callers and docs rely on these strings; never rename one,
 * only add.
 */
export type BenchErrorCode =
  | 'THAW_BENCH_CONFIG_INVALID'
  | 'THAW_BENCH_USAGE'
  | 'THAW_BENCH_COMMAND_NOT_FOUND'
  | 'THAW_BENCH_SPAWN_FAILED'
  | 'THAW_BENCH_PORT_NEVER_OPENED'
  | 'THAW_BENCH_NOT_READY'
  | 'THAW_BENCH_EXITED'
  | 'THAW_BENCH_REQUEST_FAILED'
  | 'THAW_BENCH_NO_FREE_PORT'
  | 'THAW_BENCH_RESULTS_INVALID'
  | 'THAW_BENCH_INTERRUPTED'
  | 'THAW_BENCH_CONTAINER_TOOLS_MISSING'
  | 'THAW_BENCH_CONTAINER_FAILED';

/**
 * The root error of @thaw/bench (every other error it throws extends it). `code` is stable; `message` is a full sentence that says what
 * happened and what to do; `cause` keeps the underlying error when one is wrapped.
 *
 * @example
 * ```ts
 * try {
 *   await runBench(plan);
 * } catch (error) {
 *   if (error instanceof BenchError && error.code === 'THAW_BENCH_COMMAND_NOT_FOUND') console.error(error.message);
 * }
 * ```
 */
export class BenchError extends Error {
  readonly code: BenchErrorCode;

  constructor(code: BenchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BenchError';
    this.code = code;
  }
}

/**
 * A bench file or option that is not allowed. `path` points at the bad field
 * (`variants[1].ready.http`), so the message alone is enough to fix it.
 *
 * @example
 * ```ts
 * throw new BenchConfigError('variants[0].command', 42, 'a non-empty array of strings');
 * ```
 */
export class BenchConfigError extends BenchError {
  readonly path: string;

  constructor(
    path: string,
    received: unknown,
    allowed: string,
    options?: { cause?: unknown; source?: string },
  ) {
    const where = options?.source === undefined ? '' : ` in ${options.source}`;
    super(
      'THAW_BENCH_CONFIG_INVALID',
      `Invalid ${path}${where}: received ${describeValue(received)}; expected ${allowed}.`,
      options,
    );
    this.name = 'BenchConfigError';
    this.path = path;
  }
}

/**
 * A cold-start run that did not reach its first response: the child exited, never opened its
 * port, never became ready, or its first request failed. Carries the tail of the child's stderr.
 *
 * @example
 * ```ts
 * if (error instanceof RunFailedError) console.error(error.message, error.stderrTail);
 * ```
 */
export class RunFailedError extends BenchError {
  readonly variant: string;
  readonly stderrTail: string;

  constructor(
    code: BenchErrorCode,
    variant: string,
    message: string,
    stderrTail: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
    this.name = 'RunFailedError';
    this.variant = variant;
    this.stderrTail = stderrTail;
  }
}
