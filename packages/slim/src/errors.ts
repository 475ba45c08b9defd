import { describeValue } from './describe-value.ts';
import { formatBytes } from './format-bytes.ts';
import type { ImageErrorCode } from './image/errors.ts';

/**
 * Stable error codes of @thaw/slim, `thaw image`'s ({@link ImageErrorCode}) included. Callers and docs rely on these strings; never rename one,
 * only add.
 */
export type SlimErrorCode =
  | 'THAW_SLIM_CONFIG_INVALID'
  | 'THAW_SLIM_ENTRY_NOT_FOUND'
  | 'THAW_SLIM_BUNDLE_FAILED'
  | 'THAW_SLIM_TRACE_FAILED'
  | 'THAW_SLIM_FILE_CONFLICT'
  | 'THAW_SLIM_SECRET_IN_BUNDLE'
  | 'THAW_SLIM_BUDGET_EXCEEDED'
  | 'THAW_SLIM_COMPILE_CACHE_FAILED'
  | 'THAW_SLIM_NODE_UNSUPPORTED'
  | 'THAW_SLIM_MANIFEST_INVALID'
  | 'THAW_SLIM_TRACING_LAYER'
  | ImageErrorCode;

/**
 * The root error of @thaw/slim (an {@link ImageError} from `thaw image` is one too): a stable `code`, a message that says what happened and what to
 * do, and the wrapped `cause` when there is one.
 *
 * @example
 * ```ts
 * try {
 *   await slim({ outDir: 'deploy' });
 * } catch (error) {
 *   if (error instanceof SlimError && error.code === 'THAW_SLIM_BUDGET_EXCEEDED') process.exitCode = 1;
 * }
 * ```
 */
export class SlimError extends Error {
  readonly code: SlimErrorCode;

  constructor(code: SlimErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SlimError';
    this.code = code;
  }
}

/**
 * A configuration value that is not allowed: names the option, the value received and what is
 * allowed.
 *
 * @example
 * ```ts
 * throw new SlimConfigError('knative.minScale', -1, 'an integer ≥ 0');
 * ```
 */
export class SlimConfigError extends SlimError {
  readonly option: string;
  /** The value that was refused. */
  readonly received: unknown;
  /** What the option allows, as the message says it. */
  readonly allowed: string;
  /** The sentence after it, when there is one ("Did you mean `outDir`?"). */
  readonly hint: string | undefined;

  constructor(
    option: string,
    received: unknown,
    allowed: string,
    options?: { cause?: unknown; hint?: string | undefined },
  ) {
    const hint = options?.hint === undefined ? '' : ` ${options.hint}`;
    super(
      'THAW_SLIM_CONFIG_INVALID',
      `Invalid ${option}: received ${describeValue(received)}; expected ${allowed}.${hint}`,
      options,
    );
    this.name = 'SlimConfigError';
    this.option = option;
    this.received = received;
    this.allowed = allowed;
    this.hint = options?.hint;
  }
}

/**
 * The deploy folder is larger than the size budget the build was given.
 *
 * @example
 * ```ts
 * if (outputBytes > budgetBytes) throw new BudgetExceededError(outputBytes, budgetBytes);
 * ```
 */
export class BudgetExceededError extends SlimError {
  readonly outputBytes: number;
  readonly budgetBytes: number;

  constructor(outputBytes: number, budgetBytes: number) {
    super(
      'THAW_SLIM_BUDGET_EXCEEDED',
      `The deploy folder is ${formatBytes(outputBytes)} (${outputBytes} bytes), over the budget of ${formatBytes(budgetBytes)} (${budgetBytes} bytes). ` +
        'See the size report for the heaviest modules, mark fewer packages external, or raise the budget.',
    );
    this.name = 'BudgetExceededError';
    this.outputBytes = outputBytes;
    this.budgetBytes = budgetBytes;
  }
}
