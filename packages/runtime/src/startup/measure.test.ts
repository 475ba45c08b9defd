import { afterEach, describe, expect, it } from 'vitest';
import { findMark, resetMarksForTesting } from './marks.ts';
import { startup } from './measure.ts';

describe('startup.mark and startup.measure', () => {
  afterEach(() => {
    resetMarksForTesting();
  });

  it('records a point and a span with its outcome, in ms since process start', async () => {
    startup.mark('config read', { files: 2 });
    const value = await startup.measure('load model', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return 'model';
    });
    expect(value).toBe('model');
    const point = findMark('config read')!;
    expect(point.startMs).toBe(point.endMs);
    expect(point.attributes).toEqual({ files: 2 });
    const span = findMark('load model')!;
    expect(span.endMs - span.startMs).toBeGreaterThanOrEqual(15);
    expect(span.startMs).toBeGreaterThanOrEqual(point.endMs);
    expect(span.attributes).toEqual({ outcome: 'ok' });
  });

  it('records a failed span and rethrows', async () => {
    await expect(
      startup.measure('fetch secrets', () => {
        throw new Error('denied');
      }),
    ).rejects.toThrow('denied');
    expect(findMark('fetch secrets')?.attributes).toEqual({ outcome: 'error' });
  });
});
