// The order of runs. Warm-up rounds come first and are discarded; measured rounds then give
// every variant one run per round, so slow drift of the machine (thermal, other tenants, page
// cache) is spread evenly over the variants instead of landing on whichever ran last.
import { type RunOrder } from './options.ts';
import { seededRandom, shuffled } from './prng.ts';

/** One slot of the schedule. */
export interface ScheduledRun {
  readonly variantIndex: number;
  /** 0-based index among this variant's warm-up runs, or among its measured runs. */
  readonly iteration: number;
  readonly warmup: boolean;
}

/** What shapes a schedule. */
export interface ScheduleOptions {
  readonly runs: number;
  readonly warmupRuns: number;
  readonly order: RunOrder;
  readonly seed: number;
}

/**
 * Builds the run order: `warmupRuns` rounds then `runs` rounds, each round one run of every
 * variant, in index order (`interleaved`, A B C A B C) or in a seeded random order per round
 * (`randomized` blocks, which also spreads any effect of one variant on the next).
 *
 * @example
 * ```ts
 * buildSchedule(2, { runs: 2, warmupRuns: 0, order: 'interleaved', seed: 1 }).map((r) => r.variantIndex);
 * // [0, 1, 0, 1]
 * ```
 */
export function buildSchedule(variantCount: number, options: ScheduleOptions): ScheduledRun[] {
  const random = seededRandom(options.seed);
  const indexes = Array.from({ length: variantCount }, (_, i) => i);
  const schedule: ScheduledRun[] = [];
  const rounds = (count: number, warmup: boolean): void => {
    for (let round = 0; round < count; round += 1) {
      const order = options.order === 'randomized' ? shuffled(indexes, random) : indexes;
      for (const variantIndex of order) schedule.push({ variantIndex, iteration: round, warmup });
    }
  };
  rounds(options.warmupRuns, true);
  rounds(options.runs, false);
  return schedule;
}
