import { describe, expect, it } from 'vitest';
import { type BenchResult } from './bench.ts';
import { compareResults, defaultCompareOptions } from './compare.ts';

function withMedian(estimate: number, low: number, high: number): BenchResult {
  const median = { estimate, low, high, level: 0.95 };
  return {
    summary: {
      variants: [
        { name: 'thaw', baseline: true, n: 30, failed: 0, metrics: { firstResponseMs: { median } as never } },
      ],
      comparisons: [],
    },
  } as unknown as BenchResult;
}

describe('regression detection', () => {
  it('flags a regression only beyond the threshold and with the intervals apart', () => {
    const base = withMedian(100, 95, 105);
    expect(compareResults(base, withMedian(120, 110, 130)).regressions).toHaveLength(1);
    // +20% but intervals overlap: noise, not a regression.
    expect(compareResults(base, withMedian(120, 104, 140)).regressions).toHaveLength(0);
    // Intervals apart but only +4%: below the 5% threshold.
    expect(
      compareResults(withMedian(100, 99.5, 100.5), withMedian(104, 103.5, 104.5)).regressions,
    ).toHaveLength(0);
    expect(compareResults(base, withMedian(80, 75, 85)).changes[0]?.status).toBe('improved');
  });

  it('counts a change of more than the default 5% of the median, and takes another threshold when given', () => {
    const old = withMedian(100, 99.5, 100.5);
    expect(compareResults(old, withMedian(104.9, 104.4, 105.4)).regressions).toHaveLength(0);
    expect(compareResults(old, withMedian(105.5, 105, 106)).regressions).toHaveLength(1);
    expect(
      compareResults(old, withMedian(104, 103.5, 104.5), { thresholdPercent: 3 }).regressions,
    ).toHaveLength(1);
    expect(defaultCompareOptions.thresholdPercent).toBe(5);
    expect(defaultCompareOptions.metrics).toEqual([
      'listeningMs',
      'readyMs',
      'firstResponseMs',
      'rssBytes',
      'cpuMs',
      'steadyLatencyMs',
      'burstLatencyMs',
    ]);
  });
});
