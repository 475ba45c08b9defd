import { describe, expect, it } from 'vitest';
import { bootstrapMedian, bootstrapRatioOfMedians, defaultBootstrapOptions } from './bootstrap.ts';
import { seededRandom } from './prng.ts';

function exponentialSample(n: number, mean: number, random: () => number): number[] {
  return Array.from({ length: n }, () => -mean * Math.log(1 - random()));
}

describe('bootstrap intervals', () => {
  it('gives the same interval for the same seed and a different one for another seed', () => {
    const values = exponentialSample(30, 100, seededRandom(1));
    const a = bootstrapMedian(values, { seed: 5 });
    const b = bootstrapMedian(values, { seed: 5 });
    expect(a).toEqual(b);
    // Medians of resamples are order statistics, so intervals of one sample often coincide;
    // a ratio of two resampled medians shows the seed's effect.
    const other = values.map((v) => v * 1.5 + 3);
    const r5 = bootstrapRatioOfMedians(other, values, { seed: 5 });
    expect(bootstrapRatioOfMedians(other, values, { seed: 5 })).toEqual(r5);
    expect(bootstrapRatioOfMedians(other, values, { seed: 6 })).not.toEqual(r5);
  });

  it('brackets the sample median and degenerates to a point for a constant sample', () => {
    const values = [5, 7, 9, 11, 13, 15, 200];
    const ci = bootstrapMedian(values);
    expect(ci.estimate).toBe(11);
    expect(ci.low).toBeLessThanOrEqual(11);
    expect(ci.high).toBeGreaterThanOrEqual(11);
    expect(bootstrapMedian([4, 4, 4, 4])).toEqual({ estimate: 4, low: 4, high: 4, level: 0.95 });
  });

  it('covers the true median of a skewed distribution in about 95% of repeated experiments', () => {
    // Exponential with mean 100 has median 100·ln 2.
    const trueMedian = 100 * Math.LN2;
    const random = seededRandom(11);
    let covered = 0;
    const experiments = 200;
    for (let i = 0; i < experiments; i += 1) {
      const ci = bootstrapMedian(exponentialSample(40, 100, random), { resamples: 500, seed: i });
      if (ci.low <= trueMedian && trueMedian <= ci.high) covered += 1;
    }
    expect(covered / experiments).toBeGreaterThan(0.88);
    expect(covered / experiments).toBeLessThan(0.995);
  });

  it('estimates the ratio of medians and an interval around it', () => {
    const random = seededRandom(2);
    const fast = exponentialSample(60, 10, random).map((v) => 50 + v);
    const slow = fast.map((v) => v * 3);
    const ratio = bootstrapRatioOfMedians(slow, fast, { seed: 1 });
    expect(ratio.estimate).toBeCloseTo(3, 9);
    expect(ratio.low).toBeLessThan(3);
    expect(ratio.high).toBeGreaterThan(3);
    expect(ratio.low).toBeGreaterThan(2);
    expect(ratio.high).toBeLessThan(4.5);
  });

  it('returns NaN when a sample is empty', () => {
    expect(bootstrapRatioOfMedians([], [1, 2]).estimate).toBeNaN();
    expect(bootstrapMedian([]).low).toBeNaN();
  });

  it('documents its defaults as they are', () => {
    expect(defaultBootstrapOptions).toEqual({ resamples: 2000, seed: 1, level: 0.95 });
  });
});
