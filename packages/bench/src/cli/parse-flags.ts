// Strict flag parsing for a thaw command: node:util's parseArgs, with its errors replaced by one
// short sentence that names the flag and, for a misspelled one, the nearest valid flag
// ("unknown flag --output; did you mean --out?"). Each thaw package with commands keeps its own
// copy of this file on purpose, as it does nearest-name.ts.
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { nearestName } from '../nearest-name.ts';

/** How a command's flags are parsed. */
export interface FlagParse<T extends ParseArgsOptionsConfig> {
  readonly args: readonly string[];
  readonly options: T;
  /** Accept `--no-<flag>` for boolean flags. */
  readonly allowNegative?: boolean;
  /** Flags that were renamed: old long name (no dashes) → the flag to use now, as the hint says it. */
  readonly renamed?: Readonly<Record<string, string>>;
}

/** Every spelling the command accepts, with dashes: `--out`, `-o`, `--no-minify`. */
export function flagSpellings(options: ParseArgsOptionsConfig, allowNegative = false): string[] {
  const spellings: string[] = [];
  for (const [name, spec] of Object.entries(options)) {
    spellings.push(`--${name}`);
    if (spec.short !== undefined) spellings.push(`-${spec.short}`);
    if (allowNegative && spec.type === 'boolean') spellings.push(`--no-${name}`);
  }
  return spellings;
}

/** The valid flag a misspelled one most likely meant: the nearest by edits, else a prefix match. */
export function nearestFlag(flag: string, spellings: readonly string[]): string | undefined {
  const longs = spellings.filter((spelling) => spelling.startsWith('--'));
  const byEdits = nearestName(flag, flag.startsWith('--') ? longs : spellings);
  if (byEdits !== undefined) return byEdits;
  if (!flag.startsWith('--') || flag.length < 4) return undefined;
  // `--output` is three edits from `--out`, `--md` four from `--md-file`: a prefix either way is
  // still the likely intent.
  return longs
    .filter((spelling) => spelling.length >= 4 && (spelling.startsWith(flag) || flag.startsWith(spelling)))
    .sort((a, b) => Math.abs(a.length - flag.length) - Math.abs(b.length - flag.length))[0];
}

function explain<T extends ParseArgsOptionsConfig>(parse: FlagParse<T>, error: unknown): string {
  const allowNegative = parse.allowNegative ?? false;
  const spellings = flagSpellings(parse.options, allowNegative);
  const { tokens } = parseArgs({
    args: [...parse.args],
    options: parse.options,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  for (const token of tokens) {
    if (token.kind !== 'option') continue;
    const raw = token.rawName;
    if (!spellings.includes(raw)) {
      const renamed = parse.renamed?.[raw.replace(/^-+/, '')];
      if (renamed !== undefined) return `${raw} is now ${renamed}.`;
      const nearest = nearestFlag(raw, spellings);
      return `unknown flag ${raw}${nearest === undefined ? '.' : `; did you mean ${nearest}?`}`;
    }
    const spec = parse.options[token.name];
    if (spec?.type === 'string') {
      if (token.value === undefined) return `${raw} needs a value.`;
      if (!token.inlineValue && token.value.startsWith('-') && token.value.length > 1)
        return `${raw} needs a value, not the flag ${token.value} (write ${raw}=${token.value} if that is the value).`;
    } else if (token.inlineValue === true) {
      return `${raw} takes no value (received ${raw}=${token.value}).`;
    }
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Parses `args` strictly (positionals allowed). A flag the command does not know, a missing
 * value or a value given to a boolean flag throws what `fail` makes of one sentence such as
 * `unknown flag --output; did you mean --out?`.
 *
 * @example
 * ```ts
 * const { values } = parseFlags(
 *   { args: ['--out', 'deploy'], options: { out: { type: 'string' } } },
 *   (message) => new Error(message),
 * );
 * ```
 */
export function parseFlags<T extends ParseArgsOptionsConfig>(
  parse: FlagParse<T>,
  fail: (message: string, cause: unknown) => Error,
) {
  try {
    return parseArgs({
      args: [...parse.args],
      options: parse.options,
      allowPositionals: true,
      allowNegative: parse.allowNegative ?? false,
      strict: true,
      tokens: true,
    });
  } catch (error) {
    throw fail(explain(parse, error), error);
  }
}
