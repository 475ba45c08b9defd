// Startup marks: a fixed-size buffer of (name, time) pairs measured with performance.now(),
// that is, in milliseconds since performance.timeOrigin (process start). Marks are cheap and
// never allocate per request; the buffer is only read when the startup report or the trace is
// built. Kept on globalThis so that every copy of the runtime in a process writes one timeline.
import { performance } from 'node:perf_hooks';
import { startupMarksKey } from '../process-keys.ts';
import { startModuleProfile } from './module-profile.ts';

/** One recorded point or span of startup, in ms since process start. */
export interface StartupMark {
  readonly name: string;
  readonly startMs: number;
  /** Equal to `startMs` for a point in time. */
  readonly endMs: number;
  /** Free-form attributes (initializer outcome, attempt count). */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** Capacity of the buffer; later marks are counted in `dropped` instead of stored. */
export const startupMarkCapacity = 256;

interface MarkBuffer {
  readonly marks: StartupMark[];
  dropped: number;
}

function buffer(): MarkBuffer {
  const holder = globalThis as { [startupMarksKey]?: MarkBuffer | undefined };
  let buf = holder[startupMarksKey];
  if (buf === undefined) {
    buf = { marks: [], dropped: 0 };
    holder[startupMarksKey] = buf;
  }
  return buf;
}

/** Milliseconds since process start (performance.timeOrigin). */
export function sinceStart(): number {
  return performance.now();
}

/**
 * Records a startup span or point. Returns false when the buffer is full.
 *
 * @example
 * ```ts
 * const t0 = sinceStart();
 * await loadModel();
 * recordMark('load model', t0, sinceStart());
 * ```
 */
export function recordMark(
  name: string,
  startMs: number,
  endMs: number = startMs,
  attributes?: Readonly<Record<string, string | number | boolean>>,
): boolean {
  const buf = buffer();
  if (buf.marks.length >= startupMarkCapacity) {
    buf.dropped += 1;
    return false;
  }
  buf.marks.push(attributes === undefined ? { name, startMs, endMs } : { name, startMs, endMs, attributes });
  return true;
}

/** The first mark with this name, if any. */
export function findMark(name: string): StartupMark | undefined {
  return buffer().marks.find((mark) => mark.name === name);
}

/** A copy of every mark, in recording order, and how many were dropped. */
export function readMarks(): { marks: readonly StartupMark[]; dropped: number } {
  const buf = buffer();
  return { marks: [...buf.marks], dropped: buf.dropped };
}

/**
 * Node's own bootstrap phases from `performance.nodeTiming`, in ms since process start.
 * Values Node reports as -1 (not reached) are left out.
 */
export function nodeBootstrapMarks(): StartupMark[] {
  const timing = performance.nodeTiming;
  const points: Array<[string, number]> = [
    ['node start', timing.nodeStart],
    ['v8 start', timing.v8Start],
    ['environment', timing.environment],
    ['bootstrap complete', timing.bootstrapComplete],
    ['loop start', timing.loopStart],
  ];
  const marks: StartupMark[] = [];
  let previous = 0;
  for (const [name, at] of points) {
    if (at < 0) continue;
    marks.push({ name: `node: ${name}`, startMs: previous, endMs: at });
    previous = at;
  }
  return marks;
}

/** Test seam: forget every mark. */
export function resetMarksForTesting(): void {
  const buf = buffer();
  buf.marks.length = 0;
  buf.dropped = 0;
}

// The first import of the runtime is the earliest point thaw can see of the user's module load.
recordMark('runtime imported', sinceStart());
// Opt-in (THAW_OTEL_MODULE_SPANS=1): sample from here on, so the trace can say which packages
// the module load and the initializers' imports spent their time in.
startModuleProfile(process.env);
