/**
 * One `thaw` subcommand: a line for `thaw --help` and the code that runs it.
 *
 * @example
 * ```ts
 * const hello: Command = {
 *   name: 'hello',
 *   summary: 'Print a greeting.',
 *   run: async (args) => (await import('./hello-impl.ts')).runHello(args),
 * };
 * ```
 */
export interface Command {
  /** The word after `thaw`. */
  readonly name: string;
  /** One line for `thaw --help`. */
  readonly summary: string;
  /**
   * Runs the command with the arguments after its name and resolves with the exit code. Loads
   * the command's code with `import()`, so `thaw --help` and the other commands never pay for it.
   */
  readonly run: (args: readonly string[]) => Promise<number>;
}
