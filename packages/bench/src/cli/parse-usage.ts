// Command-line parsing shared by `thaw bench` and its subcommands: strict flags (parse-flags.ts),
// with a bad flag turned into a usage error that names it, the nearest valid flag, and the help.
import { type ParseArgsOptionsConfig } from 'node:util';
import { BenchError } from '../errors.ts';
import { parseFlags } from './parse-flags.ts';

/**
 * Parses `args` strictly against `options` (positionals allowed); an unknown or malformed flag
 * is a `THAW_BENCH_USAGE` error that names it ("unknown flag --rnus; did you mean --runs?") and
 * points at `thaw bench --help`.
 *
 * @example
 * ```ts
 * const { values, positionals } = parseUsage(['--md-file', 'out.md', 'results.json'], { 'md-file': { type: 'string' } });
 * ```
 */
export function parseUsage<T extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: T,
  renamed?: Readonly<Record<string, string>>,
) {
  return parseFlags(
    { args, options, ...(renamed === undefined ? {} : { renamed }) },
    (message, cause) => new BenchError('THAW_BENCH_USAGE', `${message} See thaw bench --help.`, { cause }),
  );
}
