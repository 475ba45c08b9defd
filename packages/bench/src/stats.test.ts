import { describe, expect, it } from 'vitest';
import { seededRandom } from './prng.ts';
import { distributionOf, median, medianAbsoluteDeviation, quantileSorted } from './stats.ts';

function normalSample(n: number, mean: number, sd: number, seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => {
    const u = 1 - random();
    const v = random();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  });
}

describe('descriptive statistics', () => {
  it('interpolates quantiles between order statistics like R and NumPy (type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
    expect(quantileSorted([10, 20, 30, 40, 50], 0.9)).toBe(46);
    expect(quantileSorted([7], 0.99)).toBe(7);
    expect(quantileSorted([], 0.5)).toBeNaN();
  });

  it('takes the middle value, or the mean of the two middle values, as the median', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('computes the median absolute deviation by hand-checked example', () => {
    // median 2; deviations 1 1 0 0 2 4 7 → sorted 0 0 1 1 2 4 7 → median 1
    expect(medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9])).toBe(1);
  });

  it('summarizes a small sample exactly and lists its outliers without dropping them', () => {
    const d = distributionOf([80, 82, 81, 250, 83]);
    expect(d.n).toBe(5);
    expect(d.median).toBe(82);
    expect(d.min).toBe(80);
    expect(d.max).toBe(250);
    expect(d.mean).toBe((80 + 82 + 81 + 250 + 83) / 5);
    expect(d.q1).toBe(81);
    expect(d.q3).toBe(83);
    expect(d.mad).toBe(1);
    expect(d.outliers).toEqual([250]);
    expect(d.p99).toBeCloseTo(83 + 0.96 * (250 - 83), 9);
  });

  it('recovers the quantiles of a large uniform sample', () => {
    const random = seededRandom(7);
    const d = distributionOf(Array.from({ length: 20_001 }, () => random()));
    expect(d.median).toBeCloseTo(0.5, 1);
    expect(d.p90).toBeCloseTo(0.9, 1);
    expect(d.p99).toBeCloseTo(0.99, 1);
    expect(d.mad).toBeCloseTo(0.25, 1);
  });

  it('estimates the standard deviation of a normal sample as 1.4826 × MAD', () => {
    const d = distributionOf(normalSample(20_000, 100, 15, 3));
    expect(d.median).toBeGreaterThan(99.5);
    expect(d.median).toBeLessThan(100.5);
    expect(d.mad * 1.4826).toBeGreaterThan(14.5);
    expect(d.mad * 1.4826).toBeLessThan(15.5);
    // p90 of N(100, 15) is 100 + 1.2816·15 = 119.2
    expect(d.p90).toBeGreaterThan(118.5);
    expect(d.p90).toBeLessThan(120);
  });

  it('gives NaN statistics and no outliers for an empty sample', () => {
    const d = distributionOf([]);
    expect(d.n).toBe(0);
    expect(d.median).toBeNaN();
    expect(d.outliers).toEqual([]);
  });
});
