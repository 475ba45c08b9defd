// What the `thaw bench` commands share: where they read and write, and writing the reports a
// result can be rendered into.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BenchResult } from '../bench.ts';
import { type BenchPlan } from '../config.ts';
import { findBenchFile, loadBenchFile } from '../load-bench-file.ts';
import { type CliRequest } from './args.ts';
import { BenchError } from '../errors.ts';
import { parseResultJson, renderJson } from '../report/json.ts';
import { renderMarkdown } from '../report/markdown.ts';
import { renderSvg } from '../report/svg.ts';

/** An output stream. */
export interface BenchCliStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Where the CLI reads and writes; injectable for tests. */
export interface BenchCliIo {
  readonly stdout?: BenchCliStream;
  readonly stderr?: BenchCliStream;
  readonly cwd?: string;
}

/** Report files to write: a path, or `-` for stdout. */
export interface OutputTargets {
  readonly json?: string;
  readonly md?: string;
  readonly svg?: string;
}

/** Writes each requested report, saying where to `log`. */
export function writeOutputs(
  result: BenchResult,
  targets: OutputTargets,
  io: Required<BenchCliIo>,
  log: BenchCliStream,
): void {
  const outputs: Array<[string | undefined, () => string]> = [
    [targets.json, () => renderJson(result, io.cwd)],
    [targets.md, () => renderMarkdown(result)],
    [targets.svg, () => renderSvg(result)],
  ];
  for (const [target, render] of outputs) {
    if (target === undefined) continue;
    if (target === '-') io.stdout.write(render());
    else {
      writeFileSync(resolve(io.cwd, target), render());
      log.write(`Wrote ${target}\n`);
    }
  }
}

/** Reads and parses a results file written by `--json`. */
export function readResultFile(file: string, io: Required<BenchCliIo>): BenchResult {
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    throw new BenchError('THAW_BENCH_USAGE', `Cannot read ${file} (${(error as Error).message}).`, {
      cause: error,
    });
  }
  return parseResultJson(text, file);
}

/**
 * The plan a command line asks for: its --variant flags, else its bench file, else the bench
 * file in the working directory.
 */
export async function planOf(request: CliRequest, io: Required<BenchCliIo>): Promise<BenchPlan> {
  if (request.quick !== undefined) return request.quick;
  const file = request.file ?? findBenchFile(io.cwd);
  if (file === undefined) {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      'No bench file (thaw.bench.json, .js, .mjs or .ts) in this directory and no --variant given. See thaw bench --help.',
    );
  }
  return loadBenchFile(file);
}
