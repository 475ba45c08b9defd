/**
 * A command line that cannot run as given: the command prints the message and exits 2, the code
 * every `thaw` command reserves for bad arguments.
 *
 * @example
 * ```ts
 * throw new UsageError('--mode must be binary or structured, not "x".');
 * ```
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The exit codes of every `thaw` command, as each `--help` states them. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const;

/** The lines each command's help ends with. */
export const exitCodeHelp = `Exit codes:
  0  success
  1  the command ran and failed (for invoke: the function answered 4xx/5xx or could not be reached)
  2  bad arguments (unknown option, missing value)`;
