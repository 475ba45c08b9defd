import { describe, expect, it } from 'vitest';
import { countInvocation, invocationCount } from './invocation-count.ts';

describe('invocation count', () => {
  it('counts invocations process-wide', () => {
    const before = invocationCount();
    countInvocation();
    countInvocation();
    expect(invocationCount()).toBe(before + 2);
  });
});
