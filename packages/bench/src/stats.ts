// Descriptive statistics of one sample: robust ones first (median, MAD), because cold-start
// times are skewed and a single slow run must not move the headline figure.

/**
 * The summary of one sample. Outliers (outside Tukey's fences, 1.5 IQR beyond the quartiles)
 * are listed, never dropped: every statistic here includes them.
 */
export interface Distribution {
  readonly n: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly median: number;
  readonly p90: number;
  readonly p99: number;
  readonly q1: number;
  readonly q3: number;
  /** Median absolute deviation from the median, unscaled. */
  readonly mad: number;
  /** Values outside [q1 − 1.5·IQR, q3 + 1.5·IQR], in the order they were measured. */
  readonly outliers: readonly number[];
}

/**
 * The q-quantile (0 ≤ q ≤ 1) of an ascending-sorted sample, by linear interpolation between
 * order statistics (Hyndman & Fan type 7, the default of R and NumPy).
 *
 * @example
 * ```ts
 * quantileSorted([1, 2, 3, 4], 0.5); // 2.5
 * ```
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (h - lo) * (b - a);
}

/** Ascending copy of a sample. */
export function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/**
 * The median of a sample (the mean of the two middle values when n is even).
 *
 * @example
 * ```ts
 * median([5, 1, 3]); // 3
 * ```
 */
export function median(values: readonly number[]): number {
  return quantileSorted(sortedCopy(values), 0.5);
}

/**
 * Median absolute deviation from the median, unscaled (multiply by 1.4826 to estimate σ of a
 * normal distribution).
 *
 * @example
 * ```ts
 * medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9]); // 1
 * ```
 */
export function medianAbsoluteDeviation(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/**
 * Summarizes a sample. Throws nothing: an empty sample gives n = 0 and NaN statistics.
 *
 * @example
 * ```ts
 * const d = distributionOf([80, 82, 81, 250]);
 * d.median; // 81.5
 * d.outliers; // [250]
 * ```
 */
export function distributionOf(values: readonly number[]): Distribution {
  const sorted = sortedCopy(values);
  const n = sorted.length;
  const q1 = quantileSorted(sorted, 0.25);
  const q3 = quantileSorted(sorted, 0.75);
  const iqr = q3 - q1;
  const low = q1 - 1.5 * iqr;
  const high = q3 + 1.5 * iqr;
  const m = quantileSorted(sorted, 0.5);
  return {
    n,
    min: n === 0 ? Number.NaN : (sorted[0] as number),
    max: n === 0 ? Number.NaN : (sorted[n - 1] as number),
    mean: n === 0 ? Number.NaN : sorted.reduce((s, v) => s + v, 0) / n,
    median: m,
    p90: quantileSorted(sorted, 0.9),
    p99: quantileSorted(sorted, 0.99),
    q1,
    q3,
    mad: n === 0 ? Number.NaN : median(sorted.map((v) => Math.abs(v - m))),
    outliers: values.filter((v) => v < low || v > high),
  };
}
