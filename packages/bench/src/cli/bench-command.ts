// `thaw bench`: parse, run, report. Returns the exit code; prints its own help and errors.
import { runBench } from '../bench.ts';
import { parseBenchArgs } from './args.ts';
import { runCompareCommand } from './compare-command.ts';
import { runImportsCommand } from './imports-command.ts';
import { benchHelp } from './help.ts';
import { type BenchCliIo, planOf, writeOutputs } from './io.ts';
import { runReportCommand } from './report-command.ts';
import { BenchError } from '../errors.ts';
import { createProgress } from '../report/progress.ts';
import { renderJson } from '../report/json.ts';
import { renderTable } from '../report/table.ts';

export type { BenchCliIo } from './io.ts';

async function runMeasure(args: readonly string[], io: Required<BenchCliIo>): Promise<number> {
  const request = parseBenchArgs(args, io.cwd);
  if (request.help) {
    io.stdout.write(benchHelp);
    return 0;
  }
  let plan = await planOf(request, io);
  const steady = request.steady;
  if (steady !== undefined) plan = { ...plan, variants: plan.variants.map((v) => ({ ...v, steady })) };
  const toStdout = request.jsonStdout || request.json === '-' || request.md === '-' || request.svg === '-';
  const text = toStdout ? io.stderr : io.stdout;
  const progress = request.quiet ? undefined : createProgress(io.stderr);
  const result = await runBench(
    plan,
    request.options,
    progress === undefined ? {} : { onProgress: progress.update },
  );
  progress?.finish();
  text.write(renderTable(result));
  writeOutputs(result, request, io, text);
  if (request.jsonStdout) io.stdout.write(renderJson(result, io.cwd));
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
    if (args[0] === 'compare') return runCompareCommand(args.slice(1), resolved);
    if (args[0] === 'report') return runReportCommand(args.slice(1), resolved);
    if (args[0] === 'imports') return await runImportsCommand(args.slice(1), resolved);
    return await runMeasure(args, resolved);
  } catch (error) {
    if (!(error instanceof BenchError)) throw error;
    resolved.stderr.write(`thaw bench: ${error.message}\n`);
    return 2;
  }
}
