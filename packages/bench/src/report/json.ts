// The JSON results file (schema "thaw-bench-result", version 1; documented in the README):
// every raw run and the summary. Numbers are rounded to microseconds, working directories made
// relative (no machine-specific paths in a committed file) and secrets in commands and
// environments masked.
import { relative } from 'node:path';
import { type BenchResult, benchResultVersion } from '../bench.ts';
import { BenchError } from '../errors.ts';
import { redactEnv, redactText } from '../redact.ts';

/**
 * Serializes a result. `baseDir` is what variants' `cwd` is made relative to.
 *
 * @example
 * ```ts
 * writeFileSync('results.json', renderJson(result));
 * ```
 */
export function renderJson(result: BenchResult, baseDir: string = process.cwd()): string {
  const portable: BenchResult = {
    ...result,
    variants: result.variants.map((v) => ({
      ...v,
      command: v.command.map(redactText),
      env: redactEnv(v.env),
      cwd: relative(baseDir, v.cwd) || '.',
    })),
  };
  return `${JSON.stringify(
    portable,
    (_key, value: unknown) =>
      typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value)
        ? Math.round(value * 1000) / 1000
        : value,
    2,
  )}\n`;
}

function invalid(source: string, what: string): never {
  throw new BenchError(
    'THAW_BENCH_RESULTS_INVALID',
    `${source} is not a thaw bench results file (${what}). Pass files written by thaw bench --json.`,
  );
}

/**
 * Parses a results file written by `renderJson`, checking its schema and version.
 *
 * @example
 * ```ts
 * const old = parseResultJson(readFileSync('old.json', 'utf8'), 'old.json');
 * ```
 */
export function parseResultJson(text: string, source: string): BenchResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BenchError(
      'THAW_BENCH_RESULTS_INVALID',
      `${source} is not valid JSON (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  if (typeof value !== 'object' || value === null) invalid(source, 'not an object');
  const v = value as Partial<BenchResult>;
  if (v.schema !== 'thaw-bench-result') invalid(source, `schema is ${JSON.stringify(v.schema)}`);
  if (v.version !== benchResultVersion) {
    invalid(source, `version ${String(v.version)}; this thaw bench reads version ${benchResultVersion}`);
  }
  if (!Array.isArray(v.runs) || typeof v.summary !== 'object' || !Array.isArray(v.summary.variants)) {
    invalid(source, 'runs or summary missing');
  }
  return v as BenchResult;
}
