// Plain-language verdicts. A ratio whose interval contains 1 is reported as no measurable
// difference: saying "1.03× faster" there would claim more than the data shows.
import { type Interval } from './bootstrap.ts';
import { type RunMetric } from './run-record.ts';

/** How each metric is spoken of. */
const phrases: Readonly<
  Record<RunMetric | 'steadyLatencyMs' | 'burstLatencyMs', { better: string; worse: string; what: string }>
> = {
  listeningMs: { better: 'faster', worse: 'slower', what: 'to listening' },
  readyMs: { better: 'faster', worse: 'slower', what: 'to ready' },
  firstResponseMs: { better: 'faster', worse: 'slower', what: 'to first response' },
  rssBytes: { better: 'smaller', worse: 'larger', what: 'in RSS at ready' },
  cpuMs: { better: 'cheaper', worse: 'costlier', what: 'in CPU time to ready' },
  steadyLatencyMs: { better: 'faster', worse: 'slower', what: 'in warm latency' },
  burstLatencyMs: { better: 'faster', worse: 'slower', what: 'in burst latency' },
};

/** A metric a verdict can be given for. */
export type VerdictMetric = keyof typeof phrases;

/** Decimals that suit a ratio's size: 12×, 3.1×, 1.04×. */
function decimalsFor(ratio: number): number {
  return ratio >= 10 ? 0 : ratio >= 2 ? 1 : 2;
}

/** Formats a ratio, with the decimals chosen by `reference` (the estimate) so a CI reads evenly. */
export function formatRatio(ratio: number, reference: number = ratio): string {
  if (!Number.isFinite(ratio)) return '?';
  return ratio.toFixed(decimalsFor(reference));
}

/**
 * A one-line verdict from the bootstrap interval of `baseline median / variant median` (> 1:
 * the variant is lower, so better, on every metric here).
 *
 * @example
 * ```ts
 * verdict('thaw', 'base', 'firstResponseMs', { estimate: 3.1, low: 2.8, high: 3.4, level: 0.95 });
 * // 'thaw is 3.1× faster to first response than base, 95% CI 2.8–3.4×'
 * ```
 */
export function verdict(variant: string, baseline: string, metric: VerdictMetric, ratio: Interval): string {
  const p = phrases[metric];
  const level = `${Math.round(ratio.level * 100)}% CI`;
  if (!Number.isFinite(ratio.estimate))
    return `${variant} vs ${baseline} ${p.what}: not enough successful runs to compare`;
  const e = ratio.estimate;
  if (ratio.low > 1) {
    return `${variant} is ${formatRatio(e)}× ${p.better} ${p.what} than ${baseline}, ${level} ${formatRatio(ratio.low, e)}–${formatRatio(ratio.high, e)}×`;
  }
  if (ratio.high < 1) {
    const inv = 1 / e;
    return `${variant} is ${formatRatio(inv)}× ${p.worse} ${p.what} than ${baseline}, ${level} ${formatRatio(1 / ratio.high, inv)}–${formatRatio(1 / ratio.low, inv)}×`;
  }
  return `${variant} and ${baseline} show no measurable difference ${p.what} (ratio ${formatRatio(e)}×, ${level} ${formatRatio(ratio.low, e)}–${formatRatio(ratio.high, e)}× includes 1)`;
}
