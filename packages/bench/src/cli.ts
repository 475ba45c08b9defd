// `thaw bench`: parse, run, report. Returns the exit code; prints its own help and errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { runBench } from './bench.ts';
import { parseBenchArgs } from './cli-args.ts';
import { benchHelp } from './cli-help.ts';
import { type ComparedMetric, compareResults, defaultCompareOptions, renderComparison } from './compare.ts';
import { type BenchPlan } from './config.ts';
import { BenchConfigError, BenchError } from './errors.ts';
import { findBenchFile, loadBenchFile } from './load-bench-file.ts';
import { parseResultJson, renderJson } from './report/json.ts';
import { renderMarkdown } from './report/markdown.ts';
import { createProgress } from './report/progress.ts';
import { renderSvg } from './report/svg.ts';
import { renderTable } from './report/table.ts';

/** Where the CLI reads and writes; injectable for tests. */
export interface BenchCliIo {
  readonly stdout?: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr?: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly cwd?: string;
}

function parseThreshold(text: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  if (match === null)
    throw new BenchConfigError('--threshold', text, 'a percentage such as 5%', {
      source: 'the command line',
    });
  return Number(match[1]);
}

function runCompare(args: readonly string[], io: Required<BenchCliIo>): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        threshold: { type: 'string' },
        metric: { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new BenchError('THAW_BENCH_USAGE', `${(error as Error).message}. See thaw bench --help.`, {
      cause: error,
    });
  }
  if (parsed.values.help === true) {
    io.stdout.write(benchHelp);
    return 0;
  }
  const [oldFile, newFile, ...extra] = parsed.positionals;
  if (oldFile === undefined || newFile === undefined || extra.length > 0) {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      'thaw bench compare needs exactly two results files: OLD.json NEW.json.',
    );
  }
  const thresholdPercent =
    parsed.values.threshold === undefined
      ? defaultCompareOptions.thresholdPercent
      : parseThreshold(parsed.values.threshold);
  const metrics = parsed.values.metric?.map((m, i) => {
    if (!defaultCompareOptions.metrics.includes(m as ComparedMetric)) {
      throw new BenchConfigError(`--metric #${i + 1}`, m, defaultCompareOptions.metrics.join(', '), {
        source: 'the command line',
      });
    }
    return m as ComparedMetric;
  });
  const read = (file: string): string => {
    try {
      return readFileSync(resolve(io.cwd, file), 'utf8');
    } catch (error) {
      throw new BenchError('THAW_BENCH_USAGE', `Cannot read ${file} (${(error as Error).message}).`, {
        cause: error,
      });
    }
  };
  const comparison = compareResults(
    parseResultJson(read(oldFile), oldFile),
    parseResultJson(read(newFile), newFile),
    {
      thresholdPercent,
      ...(metrics === undefined ? {} : { metrics }),
    },
  );
  io.stdout.write(renderComparison(comparison, thresholdPercent));
  return comparison.regressions.length > 0 ? 1 : 0;
}

async function runMeasure(args: readonly string[], io: Required<BenchCliIo>): Promise<number> {
  const request = parseBenchArgs(args, io.cwd);
  if (request.help) {
    io.stdout.write(benchHelp);
    return 0;
  }
  let plan: BenchPlan;
  if (request.quick !== undefined) plan = request.quick;
  else {
    const file = request.file ?? findBenchFile(io.cwd);
    if (file === undefined) {
      throw new BenchError(
        'THAW_BENCH_USAGE',
        'No bench file (thaw.bench.json, .js, .mjs or .ts) in this directory and no --variant given. See thaw bench --help.',
      );
    }
    plan = await loadBenchFile(file);
  }
  const steady = request.steady;
  if (steady !== undefined) plan = { ...plan, variants: plan.variants.map((v) => ({ ...v, steady })) };
  const jsonToStdout = request.json === '-';
  const text = jsonToStdout ? io.stderr : io.stdout;
  const progress = request.quiet ? undefined : createProgress(io.stderr);
  const result = await runBench(
    plan,
    request.options,
    progress === undefined ? {} : { onProgress: progress.update },
  );
  progress?.finish();
  text.write(renderTable(result));
  const outputs: Array<[string | undefined, () => string]> = [
    [request.json, () => renderJson(result, io.cwd)],
    [request.md, () => renderMarkdown(result)],
    [request.svg, () => renderSvg(result)],
  ];
  for (const [target, render] of outputs) {
    if (target === undefined) continue;
    if (target === '-') io.stdout.write(render());
    else {
      writeFileSync(resolve(io.cwd, target), render());
      text.write(`Wrote ${target}\n`);
    }
  }
  return result.runs.some((r) => !r.warmup && !r.ok) ? 1 : 0;
}

/**
 * Runs `thaw bench` with its arguments (without the word `bench`) and resolves with the exit
 * code: 0 all runs succeeded, 1 a run failed or compare found a regression, 2 usage or bench
 * file error.
 *
 * @example
 * ```ts
 * process.exitCode = await runBenchCli(['--variant', "base=node a.js", '--runs', '10']);
 * ```
 */
export async function runBenchCli(args: readonly string[], io: BenchCliIo = {}): Promise<number> {
  const resolved: Required<BenchCliIo> = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    cwd: io.cwd ?? process.cwd(),
  };
  try {
    if (args[0] === 'compare') return runCompare(args.slice(1), resolved);
    return await runMeasure(args, resolved);
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    resolved.stderr.write(`thaw bench: ${error.message}\n`);
    return 2;
  }
}
