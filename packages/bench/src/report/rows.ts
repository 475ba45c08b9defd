// The report's content as plain rows, built once and rendered as a terminal table or as
// Markdown, so the two never disagree.
import { type BenchResult } from '../bench.ts';
import { type RunMetric } from '../run-record.ts';
import { type MetricSummary } from '../summary.ts';
import { containerPathSection, imagePullSection } from './container-rows.ts';
import { formatMs, formatMetric, inDisplayUnit, metricLabels } from './format.ts';

/** A titled table. */
export interface Section {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: ReadonlyArray<readonly string[]>;
  /** Column indexes that are numbers (right-aligned). */
  readonly numeric: readonly number[];
}

const metricUnits: Readonly<Record<RunMetric, string>> = {
  listeningMs: 'ms since spawn',
  readyMs: 'ms since spawn',
  firstResponseMs: 'ms since spawn',
  rssBytes: 'MiB',
  cpuMs: 'ms on a CPU, all threads (schedstat, ns resolution)',
};

function ciText(metric: RunMetric, m: MetricSummary): string {
  const f = (v: number): string => formatMs(inDisplayUnit(metric, v));
  return `${f(m.median.low)}–${f(m.median.high)}`;
}

/** Distribution of one metric, one row per variant. */
export function metricSection(result: BenchResult, metric: RunMetric): Section {
  const f = (v: number): string => formatMs(inDisplayUnit(metric, v));
  const rows = result.summary.variants.map((v) => {
    const m = v.metrics[metric];
    const name = v.baseline ? `${v.name} (baseline)` : v.name;
    if (m === undefined) return [name, String(v.n), String(v.failed), '–', '–', '–', '–', '–', '–', '–', '–'];
    const d = m.distribution;
    const outliers = d.outliers.length === 0 ? '0' : `${d.outliers.length} (${d.outliers.map(f).join(', ')})`;
    return [
      name,
      String(v.n),
      String(v.failed),
      f(d.median),
      ciText(metric, m),
      f(d.p90),
      f(d.p99),
      f(d.min),
      f(d.max),
      f(d.mad),
      outliers,
    ];
  });
  return {
    title: `${metricLabels[metric]} (${metricUnits[metric]})`,
    headers: ['variant', 'N', 'failed', 'median', '95% CI', 'p90', 'p99', 'min', 'max', 'MAD', 'outliers'],
    rows,
    numeric: [1, 2, 3, 5, 6, 7, 8, 9],
  };
}

/** Medians of every phase side by side. */
export function phaseSection(result: BenchResult): Section {
  const rows = result.summary.variants.map((v) => {
    const med = (metric: RunMetric): string => formatMetric(metric, v.metrics[metric]?.distribution.median);
    return [
      v.name,
      v.processStartMs === undefined ? '–' : `${formatMs(v.processStartMs)} ms`,
      med('listeningMs'),
      med('readyMs'),
      med('firstResponseMs'),
      med('rssBytes'),
      med('cpuMs'),
    ];
  });
  return {
    title: 'Medians per phase (since spawn)',
    headers: [
      'variant',
      'process start',
      'listening',
      'ready',
      'first response',
      'RSS at ready',
      'CPU to ready',
    ],
    rows,
    numeric: [1, 2, 3, 4, 5, 6],
  };
}

/** The runtime's own milestones (thaw functions only), ms since process start. */
export function runtimeSection(result: BenchResult): Section | undefined {
  const reporting = result.summary.variants.filter((v) => v.runtimeMilestones !== undefined);
  if (reporting.length === 0) return undefined;
  const names = [...new Set(reporting.flatMap((v) => Object.keys(v.runtimeMilestones ?? {})))];
  return {
    title: "Runtime's own milestones (median ms since process start, from its startup report)",
    headers: ['variant', ...names, 'probe lag', 'response lag'],
    rows: reporting.map((v) => [
      v.name,
      ...names.map((n) => formatMs(v.runtimeMilestones?.[n])),
      formatMs(v.readyDetectionLagMs),
      formatMs(v.responseDetectionLagMs),
    ]),
    numeric: [...names.map((_, i) => i + 1), names.length + 1, names.length + 2],
  };
}

/** The runtime's own phases (thaw functions only): when each started and how long it took. */
export function runtimePhasesSection(result: BenchResult): Section | undefined {
  const rows = result.summary.variants.flatMap((v) =>
    (v.runtimePhases ?? []).map((p) => [
      v.name,
      p.name,
      formatMs(p.startMs),
      formatMs(p.durationMs),
      String(p.n),
    ]),
  );
  if (rows.length === 0) return undefined;
  return {
    title: "Runtime's own phases (medians, ms since process start, from its startup report)",
    headers: ['variant', 'phase', 'start', 'duration', 'runs'],
    rows,
    numeric: [2, 3, 4],
  };
}

/** Burst results, when burst mode ran. */
export function burstSection(result: BenchResult): Section | undefined {
  const bursting = result.summary.variants.filter((v) => v.burst !== undefined);
  if (bursting.length === 0) return undefined;
  return {
    title: result.summary.variants.some((v) => v.container !== undefined)
      ? `Burst: ${result.options.burst} requests arriving at zero, held by the activator until ready, latency from arrival (ms)`
      : `Burst: ${result.options.burst} concurrent requests at spawn, latency from spawn (ms)`,
    headers: [
      'variant',
      'requests',
      'answered',
      result.summary.sloFloor === undefined
        ? `over ${result.options.sloMs} ms`
        : `over ${formatMs(result.summary.sloFloor.sloMs)} ms (${result.summary.sloFloor.variant} p99 + ${result.summary.sloFloor.marginMs})`,
      'median',
      'p90',
      'p99',
      'max',
    ],
    rows: bursting.map((v) => {
      const b = v.burst;
      if (b === undefined) return [v.name];
      const d = b.latency.distribution;
      return [
        v.name,
        String(b.requests),
        String(b.answered),
        String(b.sloMisses),
        formatMs(d.median),
        formatMs(d.p90),
        formatMs(d.p99),
        formatMs(d.max),
      ];
    }),
    numeric: [1, 2, 3, 4, 5, 6, 7],
  };
}

/** Warm latency, when steady mode ran. */
export function steadySection(result: BenchResult): Section | undefined {
  const steady = result.summary.variants.filter((v) => v.steady !== undefined);
  if (steady.length === 0) return undefined;
  return {
    title: 'Steady: warm latency after the first response (ms)',
    headers: ['variant', 'requests', 'errors', 'median', '95% CI', 'p90', 'p99', 'max'],
    rows: steady.map((v) => {
      const s = v.steady;
      if (s === undefined) return [v.name];
      const d = s.distribution;
      return [
        v.name,
        String(d.n),
        String(s.errors),
        formatMs(d.median),
        `${formatMs(s.median.low)}–${formatMs(s.median.high)}`,
        formatMs(d.p90),
        formatMs(d.p99),
        formatMs(d.max),
      ];
    }),
    numeric: [1, 2, 3, 5, 6, 7],
  };
}

/** Every section in reading order. */
export function sections(result: BenchResult): Section[] {
  const bursting = result.options.burst > 0;
  const metrics: RunMetric[] = bursting
    ? ['listeningMs', 'firstResponseMs']
    : ['firstResponseMs', 'readyMs', 'listeningMs', 'rssBytes', 'cpuMs'];
  const out: Section[] = [];
  const burst = burstSection(result);
  if (burst !== undefined) out.push(burst);
  out.push(...metrics.map((m) => metricSection(result, m)));
  if (!bursting) out.push(phaseSection(result));
  for (const extra of [
    containerPathSection(result),
    imagePullSection(result),
    runtimeSection(result),
    runtimePhasesSection(result),
    steadySection(result),
  ])
    if (extra !== undefined) out.push(extra);
  return out;
}

/** The headline verdicts: time to first response first, then the rest. */
export function verdictLines(result: BenchResult): string[] {
  const order = [
    'firstResponseMs',
    'burstLatencyMs',
    'readyMs',
    'rssBytes',
    'steadyLatencyMs',
    'listeningMs',
    'cpuMs',
  ];
  const lines = [...result.summary.comparisons]
    .sort((a, b) => order.indexOf(a.metric) - order.indexOf(b.metric))
    .map((c) => c.verdict);
  const base = result.summary.variants.find((v) => v.baseline);
  for (const v of result.summary.variants) {
    if (v.n === 0) {
      lines.push(
        `${v.name}: no successful measured run, so no comparison${v.baseline ? ' (it is the baseline)' : ''}`,
      );
    }
  }
  if (base !== undefined && base.n === 0 && result.summary.variants.length > 1) {
    lines.push(`Nothing is compared: the baseline ${base.name} has no successful run.`);
  }
  return lines;
}

/** One entry per variant and failure kind, with the stderr tail of the latest. */
export function failureLines(
  result: BenchResult,
): Array<{ readonly headline: string; readonly stderrTail: string }> {
  interface Group {
    measured: number;
    warmups: number;
    message: string;
    stderrTail: string;
    variant: string;
    code: string;
  }
  const groups = new Map<string, Group>();
  for (const run of result.runs) {
    if (run.failure === undefined) continue;
    const key = `${run.variant}\u0000${run.failure.code}`;
    const group = groups.get(key) ?? {
      measured: 0,
      warmups: 0,
      message: '',
      stderrTail: '',
      variant: run.variant,
      code: run.failure.code,
    };
    if (run.warmup) group.warmups += 1;
    else group.measured += 1;
    group.message = run.failure.message;
    group.stderrTail = run.failure.stderrTail;
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({
    headline: `${g.variant}: ${g.measured} measured run(s)${g.warmups > 0 ? ` and ${g.warmups} warm-up run(s)` : ''} failed [${g.code}]; latest: ${g.message}`,
    stderrTail: g.stderrTail,
  }));
}
