// Reads a bench file from disk: JSON parsed, JS/TS imported (their default export). TypeScript
// files rely on Node's own type stripping (Node ≥ 22.18 / 24).
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchPlan, parseBenchFile } from './config.ts';
import { BenchError } from './errors.ts';

/**
 * File names looked for, in this order, when no bench file is named.
 *
 * @example
 * ```ts
 * console.log(`looking for ${benchFileNames.join(', ')}`);
 * ```
 */
export const benchFileNames = [
  'thaw.bench.json',
  'thaw.bench.js',
  'thaw.bench.mjs',
  'thaw.bench.ts',
] as const;

/**
 * The bench file in `dir`, or undefined.
 *
 * @example
 * ```ts
 * const file = findBenchFile(process.cwd());
 * ```
 */
export function findBenchFile(dir: string): string | undefined {
  return benchFileNames.map((name) => join(dir, name)).find((path) => existsSync(path));
}

/**
 * Loads and validates a bench file.
 *
 * @example
 * ```ts
 * const plan = await loadBenchFile('benchmarks/hello/thaw.bench.json');
 * ```
 */
export async function loadBenchFile(path: string): Promise<BenchPlan> {
  const absolute = resolve(path);
  const source = basename(absolute);
  if (!existsSync(absolute)) {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      `The bench file ${path} does not exist. Check the path, or run thaw bench --help.`,
    );
  }
  let content: unknown;
  const ext = extname(absolute);
  if (ext === '.json') {
    try {
      content = JSON.parse(readFileSync(absolute, 'utf8'));
    } catch (error) {
      throw new BenchError(
        'THAW_BENCH_CONFIG_INVALID',
        `The bench file ${path} is not valid JSON (${(error as Error).message}). Fix the syntax and run again.`,
        { cause: error },
      );
    }
  } else if (ext === '.js' || ext === '.mjs' || ext === '.ts' || ext === '.mts') {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
    } catch (error) {
      throw new BenchError(
        'THAW_BENCH_CONFIG_INVALID',
        `The bench file ${path} could not be loaded (${(error as Error).message}). TypeScript bench files need Node 22.18 or later.`,
        { cause: error },
      );
    }
    if (mod.default === undefined) {
      throw new BenchError(
        'THAW_BENCH_CONFIG_INVALID',
        `The bench file ${path} has no default export. Export the bench definition: export default { version: 1, variants: [...] }.`,
      );
    }
    content = mod.default;
  } else {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      `The bench file ${path} has an unsupported extension "${ext}". Use .json, .js, .mjs or .ts.`,
    );
  }
  return parseBenchFile(content, { baseDir: dirname(absolute), source });
}
