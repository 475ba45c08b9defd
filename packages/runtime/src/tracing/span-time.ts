// Startup marks are kept in ms since process start (performance.timeOrigin); spans need absolute
// times. An explicit [seconds, nanoseconds] pair is unambiguous, where a bare number would be
// guessed at by the SDK (epoch or performance-relative).
import { performance } from 'node:perf_hooks';

/** An OpenTelemetry `HrTime`: whole seconds and nanoseconds since the Unix epoch. */
export type EpochHrTime = [number, number];

/**
 * The absolute time of a point given in ms since process start.
 *
 * @example
 * ```ts
 * span.end(hrTimeSinceStart(performance.now()));
 * ```
 */
export function hrTimeSinceStart(ms: number, timeOrigin: number = performance.timeOrigin): EpochHrTime {
  const epochMs = timeOrigin + ms;
  let seconds = Math.floor(epochMs / 1000);
  let nanos = Math.round((epochMs - seconds * 1000) * 1e6);
  if (nanos >= 1e9) {
    seconds += 1;
    nanos -= 1e9;
  }
  return [seconds, nanos];
}
