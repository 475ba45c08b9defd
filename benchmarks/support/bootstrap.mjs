// Bootstrap 95% intervals for the measurement scripts that do not run through `thaw bench`
// (import-cpu.mjs, cpu-to-first-response.mjs, other-build.mjs): the interval of a median, and of
// the ratio of two medians (baseline ÷ variant, as the harness reports them: above 1, the variant
// is cheaper). Computed by the harness's own bootstrap, so these scripts and `thaw bench` give the
// same interval for the same samples.
import { bootstrapMedian, bootstrapRatioOfMedians } from '@thaw/bench';

/**
 * The median of `values`.
 *
 * @example
 * ```js
 * median([3, 1, 2]); // 2
 * ```
 */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median of `values` with its bootstrap 95% interval.
 *
 * @example
 * ```js
 * medianCi([6.1, 5.9, 6.4, 6.0]); // { median: 6.05, low: …, high: … }
 * ```
 */
export function medianCi(values, seed = 1) {
  const { estimate, low, high } = bootstrapMedian(values, { seed });
  return { median: estimate, low, high };
}

/**
 * median(`base`) ÷ median(`values`) with its bootstrap 95% interval (each sample resampled on
 * its own): an interval that includes 1 is no measurable difference.
 *
 * @example
 * ```js
 * ratioCi(oldSamples, newSamples); // { ratio: 1.4, low: 1.3, high: 1.5 }: the new build is cheaper
 * ```
 */
export function ratioCi(base, values, seed = 1) {
  const { estimate, low, high } = bootstrapRatioOfMedians(base, values, { seed });
  return { ratio: estimate, low, high };
}
