// `thaw bench compare OLD.json NEW.json`: regression detection between two results files.
import { benchHelp } from './help.ts';
import { parseUsage } from './parse-usage.ts';
import { type BenchCliIo, readResultFile } from './io.ts';
import { type ComparedMetric, compareResults, defaultCompareOptions, renderComparison } from '../compare.ts';
import { BenchConfigError, BenchError } from '../errors.ts';

const cli = { source: 'the command line' };

function parseThreshold(text: string): number {
  const match = /^(\d+(?:\.\d+)?)%?$/.exec(text.trim());
  if (match === null) throw new BenchConfigError('--threshold', text, 'a percentage such as 5%', cli);
  return Number(match[1]);
}

/**
 * Runs `thaw bench compare` (arguments after the word `compare`); resolves with the exit code,
 * 1 when a metric regressed.
 *
 * @example
 * ```ts
 * process.exitCode = runCompareCommand(['old.json', 'new.json', '--threshold', '5%'], io);
 * ```
 */
export function runCompareCommand(args: readonly string[], io: Required<BenchCliIo>): number {
  const parsed = parseUsage(args, {
    threshold: { type: 'string' },
    metric: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
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
      throw new BenchConfigError(`--metric #${i + 1}`, m, defaultCompareOptions.metrics.join(', '), cli);
    }
    return m as ComparedMetric;
  });
  const comparison = compareResults(readResultFile(oldFile, io), readResultFile(newFile, io), {
    thresholdPercent,
    ...(metrics === undefined ? {} : { metrics }),
  });
  io.stdout.write(renderComparison(comparison, thresholdPercent));
  return comparison.regressions.length > 0 ? 1 : 0;
}
