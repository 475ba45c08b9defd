/** `thaw slim`: not available in this version yet. */
export function runSlimCommand(_args: readonly string[]): Promise<number> {
  process.stderr.write('thaw slim is not available in this version of @thaw/slim yet.\n');
  return Promise.resolve(2);
}
