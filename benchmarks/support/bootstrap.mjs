// Bootstrap 95% intervals for the measurement scripts that do not run through `thaw bench`
// (import-cpu.mjs, cpu-to-first-response.mjs): the interval of a median, and of the ratio of two
// medians (baseline ÷ variant, as the harness reports them: above 1, the variant is cheaper).
// Resampled with a seeded generator, so the same samples always give the same interval.

const resamples = 4000;

// mulberry32: small, fast, and good enough to pick resample indices.
function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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

function resampledMedian(values, random) {
  const picked = new Array(values.length);
  for (let i = 0; i < values.length; i += 1) picked[i] = values[Math.floor(random() * values.length)];
  return median(picked);
}

function interval(estimates) {
  const sorted = estimates.sort((a, b) => a - b);
  return {
    low: sorted[Math.floor(sorted.length * 0.025)],
    high: sorted[Math.ceil(sorted.length * 0.975) - 1],
  };
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
  const random = seeded(seed);
  const estimates = Array.from({ length: resamples }, () => resampledMedian(values, random));
  return { median: median(values), ...interval(estimates) };
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
  const random = seeded(seed);
  const estimates = Array.from(
    { length: resamples },
    () => resampledMedian(base, random) / resampledMedian(values, random),
  );
  return { ratio: median(base) / median(values), ...interval(estimates) };
}
