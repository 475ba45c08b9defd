import { describe, expect, it } from 'vitest';
import { hrTimeSinceStart } from './span-time.ts';

describe('span times', () => {
  it('turns ms since process start into epoch seconds and nanoseconds', () => {
    expect(hrTimeSinceStart(0, 1_700_000_000_000.5)).toEqual([1_700_000_000, 500_000]);
    expect(hrTimeSinceStart(1_250.25, 1_700_000_000_000)).toEqual([1_700_000_001, 250_250_000]);
  });

  it('carries a rounded-up nanosecond part into the seconds', () => {
    const [seconds, nanos] = hrTimeSinceStart(999.9999999, 1_700_000_000_000);
    expect(nanos).toBeLessThan(1e9);
    expect(seconds * 1e9 + nanos).toBe(1_700_000_001 * 1e9);
  });
});
