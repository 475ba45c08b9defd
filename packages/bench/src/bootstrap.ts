// Percentile bootstrap: resample the measured runs with replacement, recompute the statistic,
// and take the middle 95% of those. It assumes nothing about the shape of the distribution,
// which matters for cold starts (right-skewed, sometimes bimodal).
import { quantileSorted } from './stats.ts';
import { type Random, seededRandom } from './prng.ts';

/** A point estimate with its confidence interval. */
export interface Interval {
  readonly estimate: number;
  readonly low: number;
  readonly high: number;
  /** Confidence level, e.g. 0.95. */
  readonly level: number;
}

/**
 * Options of the bootstrap.
 *
 * @example
 * ```ts
 * const options: BootstrapOptions = { resamples: 5000, seed: 3 };
 * ```
 */
export interface BootstrapOptions {
  /** Number of resamples. @default 2000 */
  readonly resamples?: number;
  /** PRNG seed, so the interval is reproducible. @default 1 */
  readonly seed?: number;
  /** Confidence level. @default 0.95 */
  readonly level?: number;
}

/**
 * Defaults of `BootstrapOptions`, as documented on each field.
 *
 * @example
 * ```ts
 * defaultBootstrapOptions.level; // 0.95
 * ```
 */
export const defaultBootstrapOptions: Required<BootstrapOptions> = Object.freeze({
  resamples: 2000,
  seed: 1,
  level: 0.95,
});

function resampleMedian(values: readonly number[], random: Random, scratch: Float64Array): number {
  const n = values.length;
  for (let i = 0; i < n; i += 1) scratch[i] = values[Math.floor(random() * n)] as number;
  scratch.sort();
  const h = (n - 1) / 2;
  const lo = Math.floor(h);
  const a = scratch[lo] as number;
  return a + (h - lo) * ((scratch[Math.min(lo + 1, n - 1)] as number) - a);
}

function percentileInterval(estimate: number, stats: number[], level: number): Interval {
  stats.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { estimate, low: quantileSorted(stats, tail), high: quantileSorted(stats, 1 - tail), level };
}

function medianOf(values: readonly number[]): number {
  return quantileSorted(
    [...values].sort((a, b) => a - b),
    0.5,
  );
}

/**
 * Bootstrap confidence interval of the median.
 *
 * @example
 * ```ts
 * const ci = bootstrapMedian([81, 80, 84, 79, 90], { seed: 1 });
 * console.log(`${ci.estimate} ms, 95% CI ${ci.low}–${ci.high}`);
 * ```
 */
export function bootstrapMedian(values: readonly number[], options: BootstrapOptions = {}): Interval {
  const resamples = options.resamples ?? defaultBootstrapOptions.resamples;
  const level = options.level ?? defaultBootstrapOptions.level;
  const random = seededRandom(options.seed ?? defaultBootstrapOptions.seed);
  if (values.length === 0) return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, level };
  const scratch = new Float64Array(values.length);
  const stats: number[] = [];
  for (let b = 0; b < resamples; b += 1) stats.push(resampleMedian(values, random, scratch));
  return percentileInterval(medianOf(values), stats, level);
}

/**
 * Bootstrap confidence interval of `median(numerator) / median(denominator)`, each sample
 * resampled independently. With numerator = baseline times and denominator = variant times,
 * the estimate is the variant's speed-up (2 = twice as fast).
 *
 * @example
 * ```ts
 * const speedup = bootstrapRatioOfMedians(baselineMs, thawMs, { seed: 1 });
 * ```
 */
export function bootstrapRatioOfMedians(
  numerator: readonly number[],
  denominator: readonly number[],
  options: BootstrapOptions = {},
): Interval {
  const resamples = options.resamples ?? defaultBootstrapOptions.resamples;
  const level = options.level ?? defaultBootstrapOptions.level;
  const random = seededRandom(options.seed ?? defaultBootstrapOptions.seed);
  if (numerator.length === 0 || denominator.length === 0) {
    return { estimate: Number.NaN, low: Number.NaN, high: Number.NaN, level };
  }
  const a = new Float64Array(numerator.length);
  const b = new Float64Array(denominator.length);
  const stats: number[] = [];
  for (let i = 0; i < resamples; i += 1) {
    stats.push(resampleMedian(numerator, random, a) / resampleMedian(denominator, random, b));
  }
  return percentileInterval(medianOf(numerator) / medianOf(denominator), stats, level);
}
