/** `thaw bench`: not available in this version yet. */
export function runBenchCli(_args: readonly string[]): Promise<number> {
  process.stderr.write('thaw bench is not available in this version of @thaw/bench yet.\n');
  return Promise.resolve(2);
}
