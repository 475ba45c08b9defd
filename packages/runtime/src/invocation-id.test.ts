import { describe, expect, it } from 'vitest';
import { newInvocationId } from './invocation-id.ts';

describe('invocation ids', () => {
  it('look like UUID v4 and do not repeat', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newInvocationId()));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });
});
