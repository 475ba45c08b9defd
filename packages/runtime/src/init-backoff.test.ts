import { describe, expect, it } from 'vitest';
import { backoffDelayMs, defaultRetryOptions } from './init-backoff.ts';

describe('backoff between critical init retries', () => {
  const policy = { initialDelayMs: 100, maxDelayMs: 1_000 };

  it('doubles the delay after each failed attempt, within its jitter range', () => {
    expect(backoffDelayMs(1, policy, () => 0)).toBe(50);
    expect(backoffDelayMs(1, policy, () => 1)).toBe(100);
    expect(backoffDelayMs(2, policy, () => 1)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(400);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(200);
  });

  it('never exceeds maxDelayMs however many attempts failed', () => {
    expect(backoffDelayMs(30, policy, () => 1)).toBe(1_000);
    expect(backoffDelayMs(2_000, policy, () => 0.5)).toBe(750);
  });

  it('spreads delays of the same attempt across replicas', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelayMs(4, policy)));
    expect(delays.size).toBeGreaterThan(5);
  });

  it('has the documented defaults', () => {
    expect(defaultRetryOptions).toEqual({ maxAttempts: undefined, initialDelayMs: 100, maxDelayMs: 10_000 });
  });
});
