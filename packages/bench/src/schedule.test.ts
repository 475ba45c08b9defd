import { describe, expect, it } from 'vitest';
import { buildSchedule } from './schedule.ts';

describe('run schedule', () => {
  it('runs warm-up rounds first, then interleaves variants A B C A B C', () => {
    const schedule = buildSchedule(3, { runs: 2, warmupRuns: 1, order: 'interleaved', seed: 1 });
    expect(schedule.map((r) => `${r.warmup ? 'w' : ''}${'ABC'[r.variantIndex]}${r.iteration}`)).toEqual([
      'wA0',
      'wB0',
      'wC0',
      'A0',
      'B0',
      'C0',
      'A1',
      'B1',
      'C1',
    ]);
  });

  it('shuffles each round independently in randomized order, keeping every variant once per round', () => {
    const schedule = buildSchedule(4, { runs: 50, warmupRuns: 0, order: 'randomized', seed: 3 });
    const rounds = Array.from({ length: 50 }, (_, i) =>
      schedule.slice(i * 4, i * 4 + 4).map((r) => r.variantIndex),
    );
    for (const round of rounds) expect([...round].sort()).toEqual([0, 1, 2, 3]);
    expect(new Set(rounds.map((r) => r.join(''))).size).toBeGreaterThan(5);
    expect(buildSchedule(4, { runs: 50, warmupRuns: 0, order: 'randomized', seed: 3 })).toEqual(schedule);
  });
});
