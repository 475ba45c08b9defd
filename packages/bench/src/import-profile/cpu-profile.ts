// The parts of a V8 `.cpuprofile` (what `node --cpu-prof` writes) that attribution reads, and a
// walk over its samples with their timestamps. Timestamps are microseconds on the monotonic clock
// that `process.hrtime()` also reads, so a harness can place its own events among the samples.
import { readFileSync } from 'node:fs';
import { BenchError } from '../errors.ts';

/** Where a profile node's code is. Line and column are 0-based. */
export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
  readonly columnNumber: number;
}

/** One node of the profile's call tree. */
export interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

/** A whole profile as V8 writes it. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** One sample: the stack leaf first, the time it was taken and how long it stands for (µs). */
export interface Sample {
  readonly stack: readonly ProfileNode[];
  readonly atUs: number;
  readonly durationUs: number;
}

/** Reads and checks a `.cpuprofile` file. */
export function readCpuProfile(file: string): CpuProfile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BenchError(
      'THAW_BENCH_RESULTS_INVALID',
      `Cannot read the CPU profile ${file} (${(error as Error).message}).`,
      {
        cause: error,
      },
    );
  }
  const p = parsed as Partial<CpuProfile>;
  if (
    !Array.isArray(p.nodes) ||
    !Array.isArray(p.samples) ||
    !Array.isArray(p.timeDeltas) ||
    typeof p.startTime !== 'number' ||
    p.samples.length !== p.timeDeltas.length
  ) {
    throw new BenchError(
      'THAW_BENCH_RESULTS_INVALID',
      `${file} is not a V8 CPU profile (nodes, samples, timeDeltas, startTime).`,
    );
  }
  return p as CpuProfile;
}

/**
 * Every sample with its stack (leaf first). A sample stands for the time until the next one;
 * the last stands for the median gap, so a short profile is not cut short.
 */
export function* samplesOf(profile: CpuProfile): Generator<Sample> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, ProfileNode>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node);
  const stacks = new Map<number, ProfileNode[]>();
  const stackOf = (id: number): ProfileNode[] => {
    let stack = stacks.get(id);
    if (stack !== undefined) return stack;
    stack = [];
    for (let node = byId.get(id); node !== undefined; node = parentOf.get(node.id)) stack.push(node);
    stacks.set(id, stack);
    return stack;
  };
  const deltas = profile.timeDeltas;
  const gaps = deltas
    .slice(1)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  const typicalGap = gaps[Math.floor(gaps.length / 2)] ?? 0;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += deltas[i] as number;
    const next = deltas[i + 1];
    yield { stack: stackOf(profile.samples[i] as number), atUs: at, durationUs: next ?? typicalGap };
  }
}
