// From raw runs to the figures a reader needs: per variant and metric the distribution and a
// bootstrap interval of the median; per non-baseline variant the ratio of medians against the
// baseline with its interval and a verdict. Only measured (non-warm-up), successful runs count;
// failed runs are counted separately, never silently dropped.
import { type Interval, bootstrapMedian, bootstrapRatioOfMedians } from './bootstrap.ts';
import { type ContainerSummary, summarizeContainerRuns } from './container-summary.ts';
import { type Distribution, distributionOf } from './stats.ts';
import { type RunMetric, type RunRecord, runMetrics } from './run-record.ts';
import { type VerdictMetric, verdict } from './verdict.ts';

/** Distribution plus the interval of its median. */
export interface MetricSummary {
  readonly distribution: Distribution;
  readonly median: Interval;
}

/** Burst results of a variant, pooled over its runs. */
export interface BurstSummary {
  readonly requests: number;
  readonly answered: number;
  /** Requests slower than the objective or not answered with 2xx/3xx. */
  readonly sloMisses: number;
  readonly sloMs: number;
  readonly latency: MetricSummary;
}

/** The summary of one variant. */
export interface VariantSummary {
  readonly name: string;
  readonly baseline: boolean;
  /** Measured runs that succeeded (the N of every statistic below). */
  readonly n: number;
  readonly failed: number;
  readonly metrics: Partial<Record<RunMetric, MetricSummary>>;
  /** Medians of the runtime's own milestones (ms since process start), when it reported them. */
  readonly runtimeMilestones?: Readonly<Record<string, number>>;
  /** Each phase the runtime recorded (Node's bootstrap, module loads, initializers), medians. */
  readonly runtimePhases?: ReadonlyArray<{
    readonly name: string;
    readonly startMs: number;
    readonly durationMs: number;
    readonly n: number;
  }>;
  /** Median exec gap: the child's process start minus spawn. */
  readonly processStartMs?: number;
  /**
   * Median of how much later the harness's probe saw the process ready than the process itself
   * says it became ready (its report's `readyMs` shifted by the exec gap): the harness's own
   * measurement overhead, probe period included.
   */
  readonly readyDetectionLagMs?: number;
  /** Likewise for the first response: harness's `firstResponseMs` minus the process's own, shifted. */
  readonly responseDetectionLagMs?: number;
  readonly steady?: MetricSummary & { readonly errors: number };
  readonly burst?: BurstSummary;
  /** A container variant's Knative-mode figures. */
  readonly container?: ContainerSummary;
}

/** Where burst mode's objective came from when it is relative to a floor variant. */
export interface SloFloor {
  readonly variant: string;
  /** The floor variant's burst p99 in this run. */
  readonly p99Ms: number;
  readonly marginMs: number;
  /** p99 + margin: the objective every variant's burst requests were counted against. */
  readonly sloMs: number;
}

/** A variant against the baseline on one metric. */
export interface BaselineComparison {
  readonly variant: string;
  readonly baseline: string;
  readonly metric: VerdictMetric;
  /** Baseline median / variant median; > 1 means the variant is lower (better). */
  readonly ratio: Interval;
  readonly verdict: string;
}

/** Everything the reports print. */
export interface BenchSummary {
  readonly variants: readonly VariantSummary[];
  readonly comparisons: readonly BaselineComparison[];
  /** Set when burst misses were counted against a floor variant's p99 + margin. */
  readonly sloFloor?: SloFloor;
}

/** How intervals are computed. */
export interface SummaryOptions {
  readonly bootstrapResamples: number;
  readonly seed: number;
  readonly sloMs: number;
  /** Count burst misses against this variant's burst p99 + `sloMarginMs` instead of `sloMs`. */
  readonly sloFloor?: string;
  readonly sloMarginMs?: number;
}

function metricSummary(values: readonly number[], options: SummaryOptions): MetricSummary {
  return {
    distribution: distributionOf(values),
    median: bootstrapMedian(values, { resamples: options.bootstrapResamples, seed: options.seed }),
  };
}

function valuesOf(runs: readonly RunRecord[], metric: RunMetric): number[] {
  return runs.map((r) => r[metric]).filter((v): v is number => typeof v === 'number');
}

function medianMilestones(runs: readonly RunRecord[]): Record<string, number> | undefined {
  const byName = new Map<string, number[]>();
  for (const run of runs) {
    for (const [name, value] of Object.entries(run.runtime?.report.milestones ?? {})) {
      if (typeof value === 'number') byName.set(name, [...(byName.get(name) ?? []), value]);
    }
  }
  if (byName.size === 0) return undefined;
  return Object.fromEntries([...byName].map(([name, values]) => [name, distributionOf(values).median]));
}

function medianPhases(runs: readonly RunRecord[]): VariantSummary['runtimePhases'] {
  const byName = new Map<string, { starts: number[]; durations: number[] }>();
  for (const run of runs) {
    for (const phase of run.runtime?.report.phases ?? []) {
      const entry = byName.get(phase.name) ?? { starts: [], durations: [] };
      entry.starts.push(phase.startMs);
      entry.durations.push(phase.endMs - phase.startMs);
      byName.set(phase.name, entry);
    }
  }
  if (byName.size === 0) return undefined;
  return [...byName]
    .map(([name, e]) => ({
      name,
      startMs: distributionOf(e.starts).median,
      durationMs: distributionOf(e.durations).median,
      n: e.starts.length,
    }))
    .sort((a, b) => a.startMs - b.startMs);
}

function summarizeVariant(
  name: string,
  baseline: boolean,
  all: readonly RunRecord[],
  options: SummaryOptions,
): VariantSummary {
  const measured = all.filter((r) => r.variant === name && !r.warmup);
  const ok = measured.filter((r) => r.ok);
  const metrics: Partial<Record<RunMetric, MetricSummary>> = {};
  for (const metric of runMetrics) {
    const values = valuesOf(ok, metric);
    if (values.length > 0) metrics[metric] = metricSummary(values, options);
  }
  const summary: { -readonly [K in keyof VariantSummary]: VariantSummary[K] } = {
    name,
    baseline,
    n: ok.length,
    failed: measured.length - ok.length,
    metrics,
  };
  const milestones = medianMilestones(ok);
  if (milestones !== undefined) summary.runtimeMilestones = milestones;
  const phases = medianPhases(ok);
  if (phases !== undefined) summary.runtimePhases = phases;
  const gaps = ok.map((r) => r.runtime?.processStartMs).filter((v): v is number => typeof v === 'number');
  if (gaps.length > 0) summary.processStartMs = distributionOf(gaps).median;
  const readyLag = detectionLag(ok, 'readyMs');
  if (readyLag !== undefined) summary.readyDetectionLagMs = readyLag;
  const responseLag = detectionLag(ok, 'firstResponseMs');
  if (responseLag !== undefined) summary.responseDetectionLagMs = responseLag;
  const steadyRuns = ok.filter((r) => r.steady !== undefined);
  if (steadyRuns.length > 0) {
    const latencies = steadyRuns.flatMap((r) => r.steady?.latenciesMs ?? []);
    const errors = steadyRuns.reduce((sum, r) => sum + (r.steady?.errors ?? 0), 0);
    summary.steady = { ...metricSummary(latencies, options), errors };
  }
  const container = summarizeContainerRuns(measured);
  if (container !== undefined) summary.container = container;
  const burst = summarizeBurst(measured, options);
  if (burst !== undefined) summary.burst = burst;
  return summary;
}

/** How much later the harness saw `harness` than the runtime says it happened (median, ms). */
function detectionLag(ok: readonly RunRecord[], harness: 'readyMs' | 'firstResponseMs'): number | undefined {
  const lags = ok.flatMap((r) => {
    const own = r.runtime?.report.milestones[harness];
    const gap = r.runtime?.processStartMs;
    const seen = r[harness];
    return seen !== undefined && own !== undefined && gap !== undefined ? [seen - (gap + own)] : [];
  });
  return lags.length === 0 ? undefined : distributionOf(lags).median;
}

function summarizeBurst(measured: readonly RunRecord[], options: SummaryOptions): VariantSummary['burst'] {
  const burstRequests = measured.flatMap((r) => r.burst ?? []);
  if (burstRequests.length === 0) return undefined;
  const answered = burstRequests.filter(
    (r) => r.status !== undefined && r.status < 400 && r.latencyMs !== undefined,
  );
  const latencies = answered.map((r) => r.latencyMs as number);
  return {
    requests: burstRequests.length,
    answered: answered.length,
    sloMisses: burstRequests.length - latencies.filter((ms) => ms <= options.sloMs).length,
    sloMs: options.sloMs,
    latency: metricSummary(latencies, options),
  };
}

function pooled(runs: readonly RunRecord[], name: string, metric: VerdictMetric): number[] {
  const ok = runs.filter((r) => r.variant === name && !r.warmup && r.ok);
  if (metric === 'steadyLatencyMs') return ok.flatMap((r) => r.steady?.latenciesMs ?? []);
  if (metric === 'burstLatencyMs') {
    return runs
      .filter((r) => r.variant === name && !r.warmup)
      .flatMap((r) => r.burst ?? [])
      .filter((r) => r.status !== undefined && r.status < 400)
      .map((r) => r.latencyMs)
      .filter((v): v is number => typeof v === 'number');
  }
  return valuesOf(ok, metric);
}

/**
 * Summarizes the runs of a benchmark.
 *
 * @example
 * ```ts
 * const summary = summarize(result.runs, [{ name: 'base', baseline: true }, { name: 'thaw', baseline: false }], options);
 * for (const c of summary.comparisons) console.log(c.verdict);
 * ```
 */
export function summarize(
  runs: readonly RunRecord[],
  variants: ReadonlyArray<{ readonly name: string; readonly baseline: boolean }>,
  options: SummaryOptions,
): BenchSummary {
  const sloFloor = floorOf(runs, options);
  const effective = sloFloor === undefined ? options : { ...options, sloMs: sloFloor.sloMs };
  const summaries = variants.map((v) => summarizeVariant(v.name, v.baseline, runs, effective));
  const base = variants.find((v) => v.baseline);
  const comparisons: BaselineComparison[] = [];
  if (base !== undefined) {
    const metrics: VerdictMetric[] = [...runMetrics, 'steadyLatencyMs', 'burstLatencyMs'];
    for (const v of variants) {
      if (v.name === base.name) continue;
      for (const metric of metrics) {
        const baseValues = pooled(runs, base.name, metric);
        const values = pooled(runs, v.name, metric);
        // Nothing to compare on this metric (not measured in this mode, or no successful run).
        if (baseValues.length === 0 || values.length === 0) continue;
        const ratio = bootstrapRatioOfMedians(baseValues, values, {
          resamples: options.bootstrapResamples,
          seed: options.seed,
        });
        comparisons.push({
          variant: v.name,
          baseline: base.name,
          metric,
          ratio,
          verdict: verdict(v.name, base.name, metric, ratio),
        });
      }
    }
  }
  return { variants: summaries, comparisons, ...(sloFloor === undefined ? {} : { sloFloor }) };
}

function floorOf(runs: readonly RunRecord[], options: SummaryOptions): SloFloor | undefined {
  if (options.sloFloor === undefined) return undefined;
  const latencies = pooled(runs, options.sloFloor, 'burstLatencyMs');
  if (latencies.length === 0) return undefined;
  const p99Ms = distributionOf(latencies).p99;
  const marginMs = options.sloMarginMs ?? 300;
  return { variant: options.sloFloor, p99Ms, marginMs, sloMs: p99Ms + marginMs };
}
