/** `thaw image`: not available in this version yet. */
export function runImageCommand(_args: readonly string[]): Promise<number> {
  process.stderr.write('thaw image is not available in this version of @thaw/slim yet.\n');
  return Promise.resolve(2);
}
