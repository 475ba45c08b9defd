import { describe, expect, it } from 'vitest';
import { residentSetBytes } from './resident-set.ts';

describe('residentSetBytes', () => {
  it("is this process's RSS as Node reports it", () => {
    const before = process.memoryUsage.rss();
    const ours = residentSetBytes();
    const after = process.memoryUsage.rss();
    // Read between two of Node's readings, allowing for what the process touched meanwhile.
    expect(ours).toBeGreaterThanOrEqual(Math.min(before, after) - 2 ** 20);
    expect(ours).toBeLessThanOrEqual(Math.max(before, after) + 2 ** 20);
  });

  it('follows memory the process touches', () => {
    const before = residentSetBytes();
    const touched = Buffer.alloc(32 * 2 ** 20, 1);
    expect(residentSetBytes()).toBeGreaterThan(before + 16 * 2 ** 20);
    expect(touched.length).toBe(32 * 2 ** 20);
  });
});
