// `thaw bench report RESULTS.json`: renders a saved result again (table, Markdown, SVG), so a
// committed benchmark's documents are regenerated from its JSON, never typed by hand.
import { benchHelp } from './help.ts';
import { parseUsage } from './parse-usage.ts';
import { type BenchCliIo, readResultFile, writeOutputs } from './io.ts';
import { renamedReportFlags } from './args.ts';
import { BenchError } from '../errors.ts';
import { renderTable } from '../report/table.ts';

/**
 * Runs `thaw bench report` (arguments after the word `report`); resolves with the exit code.
 *
 * @example
 * ```ts
 * process.exitCode = runReportCommand(['results.json', '--md-file', 'results.md'], io);
 * ```
 */
export function runReportCommand(args: readonly string[], io: Required<BenchCliIo>): number {
  const parsed = parseUsage(
    args,
    {
      'md-file': { type: 'string' },
      'svg-file': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    renamedReportFlags,
  );
  if (parsed.values.help === true) {
    io.stdout.write(benchHelp);
    return 0;
  }
  const [file, ...extra] = parsed.positionals;
  if (file === undefined || extra.length > 0) {
    throw new BenchError(
      'THAW_BENCH_USAGE',
      'thaw bench report needs exactly one results file: RESULTS.json.',
    );
  }
  const result = readResultFile(file, io);
  const { 'md-file': md, 'svg-file': svg } = parsed.values;
  const toStdout = md === '-' || svg === '-';
  (toStdout ? io.stderr : io.stdout).write(renderTable(result));
  writeOutputs(
    result,
    { ...(md === undefined ? {} : { md }), ...(svg === undefined ? {} : { svg }) },
    io,
    toStdout ? io.stderr : io.stdout,
  );
  return 0;
}
