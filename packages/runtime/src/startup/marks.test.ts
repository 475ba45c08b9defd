import { afterEach, describe, expect, it } from 'vitest';
import {
  findMark,
  nodeBootstrapMarks,
  readMarks,
  recordMark,
  resetMarksForTesting,
  sinceStart,
  startupMarkCapacity,
} from './marks.ts';

describe('startup marks', () => {
  afterEach(() => {
    resetMarksForTesting();
  });

  it('records spans in ms since process start, in order', () => {
    resetMarksForTesting();
    const t0 = sinceStart();
    recordMark('read config', t0, t0 + 5, { files: 2 });
    recordMark('listening', t0 + 6);
    const { marks } = readMarks();
    expect(marks.map((mark) => mark.name)).toEqual(['read config', 'listening']);
    expect(findMark('read config')).toEqual({
      name: 'read config',
      startMs: t0,
      endMs: t0 + 5,
      attributes: { files: 2 },
    });
    expect(findMark('listening')?.endMs).toBe(t0 + 6);
    expect(t0).toBeGreaterThan(0);
  });

  it('stops storing at its capacity and counts what it dropped', () => {
    resetMarksForTesting();
    for (let i = 0; i < startupMarkCapacity + 3; i++) recordMark(`m${i}`, i);
    const { marks, dropped } = readMarks();
    expect(marks).toHaveLength(startupMarkCapacity);
    expect(dropped).toBe(3);
  });

  it("turns Node's bootstrap timing into consecutive phases starting at 0", () => {
    const phases = nodeBootstrapMarks();
    expect(phases.length).toBeGreaterThanOrEqual(4);
    expect(phases[0]?.startMs).toBe(0);
    for (let i = 1; i < phases.length; i++) expect(phases[i]?.startMs).toBe(phases[i - 1]?.endMs);
  });
});
