import { describe, expect, it } from 'vitest';
import { verdict } from './verdict.ts';

describe('verdicts', () => {
  it('says how many times faster when the whole interval is above 1', () => {
    expect(
      verdict('thaw', 'base', 'firstResponseMs', { estimate: 3.1, low: 2.8, high: 3.4, level: 0.95 }),
    ).toBe('thaw is 3.1× faster to first response than base, 95% CI 2.8–3.4×');
  });

  it('says how many times slower, inverting the interval, when it is entirely below 1', () => {
    expect(verdict('thaw', 'base', 'readyMs', { estimate: 0.5, low: 0.4, high: 0.625, level: 0.95 })).toBe(
      'thaw is 2.0× slower to ready than base, 95% CI 1.6–2.5×',
    );
  });

  it('claims no difference when the interval includes 1', () => {
    expect(verdict('thaw', 'base', 'rssBytes', { estimate: 1.03, low: 0.97, high: 1.09, level: 0.95 })).toBe(
      'thaw and base show no measurable difference in RSS at ready (ratio 1.03×, 95% CI 0.97–1.09× includes 1)',
    );
  });
});
