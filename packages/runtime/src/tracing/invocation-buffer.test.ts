import { describe, expect, it } from 'vitest';
import { InvocationBuffer } from './invocation-buffer.ts';

const record = (id: string) => ({
  info: {
    invocationId: id,
    coldStart: false,
    trigger: 'http' as const,
    method: 'GET',
    target: '/',
    headers: {},
  },
  startMs: 1,
  endMs: 2,
  outcome: { status: 200 },
});

describe('invocation buffer', () => {
  it('keeps records up to its capacity, counts the rest, and empties on drain', () => {
    const buffer = new InvocationBuffer(2);
    expect(buffer.add(record('a'))).toBe(true);
    expect(buffer.add(record('b'))).toBe(true);
    expect(buffer.add(record('c'))).toBe(false);
    expect(buffer.dropped).toBe(1);
    expect(buffer.drain().map((r) => r.info.invocationId)).toEqual(['a', 'b']);
    expect(buffer.size).toBe(0);
    expect(buffer.dropped).toBe(1);
    expect(buffer.add(record('d'))).toBe(true);
  });
});
