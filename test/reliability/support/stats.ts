// Percentiles and summaries for the figures the scenarios record.

/** The value below which `p` percent of the samples fall (nearest rank); NaN when empty. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Count, p50, p99 and max of a list of durations in ms, rounded to 0.1 ms. */
export function summarize(samples: readonly number[]): { n: number; p50: number; p99: number; max: number } {
  const round = (value: number): number => Math.round(value * 10) / 10;
  return {
    n: samples.length,
    p50: round(percentile(samples, 50)),
    p99: round(percentile(samples, 99)),
    max: round(samples.length === 0 ? Number.NaN : Math.max(...samples)),
  };
}
