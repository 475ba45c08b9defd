// The live view. On a terminal: one line rewritten in place ("run k of n, variant, ETA") plus a
// permanent line for each failure. Elsewhere (CI logs, pipes): one plain line per finished run.
import { type BenchProgress } from '../bench.ts';
import { formatMs } from './format.ts';

/** Where progress goes. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

function eta(event: BenchProgress, done: number): string {
  if (done === 0) return 'ETA –';
  const seconds = Math.round(((event.elapsedMs / done) * (event.total - done)) / 1000);
  return seconds >= 60 ? `ETA ${Math.floor(seconds / 60)} min ${seconds % 60} s` : `ETA ${seconds} s`;
}

function outcome(event: BenchProgress): string {
  const r = event.record;
  if (r === undefined) return '';
  if (!r.ok) return `FAILED: ${r.failure?.message ?? 'unknown reason'}`;
  const parts = [`first response ${formatMs(r.firstResponseMs)} ms`];
  if (r.readyMs !== undefined && r.readyMs !== r.listeningMs) parts.push(`ready ${formatMs(r.readyMs)} ms`);
  return parts.join(', ');
}

/**
 * A progress callback for `runBench`, writing to `stream` (a TTY gets the live line).
 *
 * @example
 * ```ts
 * const progress = createProgress(process.stderr);
 * await runBench(plan, {}, { onProgress: progress.update });
 * progress.finish();
 * ```
 */
export function createProgress(stream: ProgressStream): {
  update: (event: BenchProgress) => void;
  finish: () => void;
} {
  const live = stream.isTTY === true;
  let drawn = false;
  return {
    update(event) {
      const done = event.record === undefined ? event.index - 1 : event.index;
      const label = `run ${event.index} of ${event.total} · ${event.variant}${event.warmup ? ' (warm-up)' : ''}`;
      if (live) {
        if (event.record !== undefined && !event.record.ok)
          stream.write(`\r\x1b[2K${label}: ${outcome(event)}\n`);
        stream.write(
          `\r\x1b[2K${label}${event.record === undefined ? '' : `: ${outcome(event)}`} · ${eta(event, done)}`,
        );
        drawn = true;
      } else if (event.record !== undefined) {
        stream.write(`${label}: ${outcome(event)}\n`);
      }
    },
    finish() {
      if (live && drawn) stream.write('\r\x1b[2K');
    },
  };
}
