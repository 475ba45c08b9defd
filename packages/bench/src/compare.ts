// Regression detection between two results files. A metric regressed only when both hold: its
// median moved by more than the threshold, and the two medians' confidence intervals do not
// overlap. The threshold alone would flag noise on a busy machine; the intervals alone would
// flag differences too small to matter.
import { type BenchResult } from './bench.ts';
import { type Interval } from './bootstrap.ts';
import { type RunMetric, runMetrics } from './run-record.ts';
import { type MetricSummary, type VariantSummary } from './summary.ts';
import { formatMs, inDisplayUnit } from './report/format.ts';
import { renderTextSection } from './report/table.ts';

/** A metric compared between results. */
export type ComparedMetric = RunMetric | 'steadyLatencyMs' | 'burstLatencyMs';

/**
 * Options of `compareResults`.
 *
 * @example
 * ```ts
 * const options: CompareOptions = { thresholdPercent: 10, metrics: ['firstResponseMs'] };
 * ```
 */
export interface CompareOptions {
  /** Smallest relative change of a median that counts. @default 5 */
  readonly thresholdPercent?: number;
  /** Metrics compared. @default every metric present in both files */
  readonly metrics?: readonly ComparedMetric[];
}

/**
 * Defaults of `CompareOptions`, as documented on each field.
 *
 * @example
 * ```ts
 * defaultCompareOptions.thresholdPercent; // 5
 * ```
 */
export const defaultCompareOptions: {
  readonly thresholdPercent: number;
  readonly metrics: readonly ComparedMetric[];
} = Object.freeze({
  thresholdPercent: 5,
  metrics: [...runMetrics, 'steadyLatencyMs', 'burstLatencyMs'] as ComparedMetric[],
});

/** One variant's metric, old against new. */
export interface MetricChange {
  readonly variant: string;
  readonly metric: ComparedMetric;
  readonly old: Interval;
  readonly new: Interval;
  /** (new − old) / old, in percent. */
  readonly changePercent: number;
  readonly status: 'regressed' | 'improved' | 'unchanged';
}

/** The outcome of a comparison. */
export interface Comparison {
  readonly changes: readonly MetricChange[];
  readonly regressions: readonly MetricChange[];
  /** Variants present in only one of the files. */
  readonly unmatched: readonly string[];
}

function summaryOf(v: VariantSummary, metric: ComparedMetric): MetricSummary | undefined {
  if (metric === 'steadyLatencyMs') return v.steady;
  if (metric === 'burstLatencyMs') return v.burst?.latency;
  return v.metrics[metric];
}

/**
 * Compares two results, variant by variant (matched by name).
 *
 * @example
 * ```ts
 * const { regressions } = compareResults(oldResult, newResult, { thresholdPercent: 5 });
 * process.exitCode = regressions.length > 0 ? 1 : 0;
 * ```
 */
export function compareResults(
  before: BenchResult,
  after: BenchResult,
  options: CompareOptions = {},
): Comparison {
  const threshold = (options.thresholdPercent ?? defaultCompareOptions.thresholdPercent) / 100;
  const metrics = options.metrics ?? defaultCompareOptions.metrics;
  const changes: MetricChange[] = [];
  const oldNames = new Set(before.summary.variants.map((v) => v.name));
  const newNames = new Set(after.summary.variants.map((v) => v.name));
  for (const next of after.summary.variants) {
    const prev = before.summary.variants.find((v) => v.name === next.name);
    if (prev === undefined) continue;
    for (const metric of metrics) {
      const a = summaryOf(prev, metric)?.median;
      const b = summaryOf(next, metric)?.median;
      if (a === undefined || b === undefined || !Number.isFinite(a.estimate) || !Number.isFinite(b.estimate))
        continue;
      const change = (b.estimate - a.estimate) / a.estimate;
      const status =
        change > threshold && b.low > a.high
          ? 'regressed'
          : change < -threshold && b.high < a.low
            ? 'improved'
            : 'unchanged';
      changes.push({ variant: next.name, metric, old: a, new: b, changePercent: change * 100, status });
    }
  }
  return {
    changes,
    regressions: changes.filter((c) => c.status === 'regressed'),
    unmatched: [
      ...[...oldNames].filter((n) => !newNames.has(n)),
      ...[...newNames].filter((n) => !oldNames.has(n)),
    ],
  };
}

/**
 * The comparison as a terminal table.
 *
 * @example
 * ```ts
 * process.stdout.write(renderComparison(compareResults(a, b)));
 * ```
 */
export function renderComparison(comparison: Comparison, thresholdPercent: number): string {
  const f = (metric: ComparedMetric, v: number): string =>
    metric === 'steadyLatencyMs' || metric === 'burstLatencyMs'
      ? formatMs(v)
      : formatMs(inDisplayUnit(metric, v));
  const rows = comparison.changes.map((c) => [
    c.variant,
    c.metric,
    `${f(c.metric, c.old.estimate)} [${f(c.metric, c.old.low)}–${f(c.metric, c.old.high)}]`,
    `${f(c.metric, c.new.estimate)} [${f(c.metric, c.new.low)}–${f(c.metric, c.new.high)}]`,
    `${c.changePercent >= 0 ? '+' : ''}${c.changePercent.toFixed(1)}%`,
    c.status,
  ]);
  const lines = [
    renderTextSection({
      title: `Old vs new medians [95% CI]; a change counts beyond ±${thresholdPercent}% with intervals apart (ms, RSS in MiB)`,
      headers: ['variant', 'metric', 'old', 'new', 'change', 'verdict'],
      rows,
      numeric: [4],
    }),
  ];
  if (comparison.unmatched.length > 0)
    lines.push(`Not compared (in one file only): ${comparison.unmatched.join(', ')}`);
  const n = comparison.regressions.length;
  lines.push(
    n === 0
      ? 'No regression.'
      : `${n} regression(s): ${comparison.regressions.map((r) => `${r.variant} ${r.metric}`).join(', ')}.`,
  );
  return `${lines.join('\n\n')}\n`;
}
