// Command-line parsing shared by `thaw bench` and its subcommands: node:util's parseArgs in
// strict mode, with its errors turned into usage errors that point at the help.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { BenchError } from '../errors.ts';

/**
 * Parses `args` strictly against `options` (positionals allowed); an unknown or malformed flag
 * is a `THAW_BENCH_USAGE` error that names it and points at `thaw bench --help`.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseUsage(['--md', 'out.md', 'results.json'], { md: { type: 'string' } });
 * ```
 */
export function parseUsage<T extends ParseArgsOptionsConfig>(args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new BenchError('THAW_BENCH_USAGE', `${(error as Error).message}. See thaw bench --help.`, {
      cause: error,
    });
  }
}
