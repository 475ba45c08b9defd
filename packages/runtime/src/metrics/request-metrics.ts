// The request figures /metrics reports: a duration histogram by trigger and status class, and the
// invocations in flight. Loaded statically with the core (it is small); the core calls it only
// when metrics are on, so a server without installMetrics() pays one property read a request.
// Rendering these figures lives in render.ts, loaded on the first scrape.
import { requestMetricsKey } from '../process-keys.ts';

/** Upper bounds, in seconds, of the request duration histogram's buckets (`+Inf` is implied). */
export const requestDurationBuckets: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/** What started a request: a plain HTTP request, a CloudEvent, or a warm-up ping. */
export type RequestTrigger = 'http' | 'cloudevent' | 'warmup';

/** One series of the histogram: per-bucket counts (not cumulative, `+Inf` last) and the sum. */
export interface DurationSeries {
  readonly trigger: RequestTrigger;
  readonly statusClass: string;
  readonly counts: Float64Array;
  sum: number;
}

/** The process-wide request figures. */
export interface RequestMetrics {
  /** Set by installMetrics(); the core records nothing while it is false. */
  enabled: boolean;
  inFlight: number;
  /** Keyed by `<trigger> <status class>`. */
  readonly series: Map<string, DurationSeries>;
}

/** The process-wide request figures, created on first use. */
export function requestMetrics(): RequestMetrics {
  const holder = globalThis as { [requestMetricsKey]?: RequestMetrics | undefined };
  holder[requestMetricsKey] ??= { enabled: false, inFlight: 0, series: new Map() };
  return holder[requestMetricsKey];
}

/**
 * Counts an invocation in flight until its response closes, then records its duration since
 * `receivedAt` (ms since process start, as performance.now()) under its status class, or
 * `aborted` when the response closed before it was complete.
 */
export function observeInvocation(
  metrics: RequestMetrics,
  response: {
    once(event: 'close', listener: () => void): unknown;
    readonly statusCode: number;
    readonly writableFinished: boolean;
  },
  receivedAt: number,
  trigger: RequestTrigger,
): void {
  metrics.inFlight += 1;
  response.once('close', () => {
    metrics.inFlight -= 1;
    const statusClass = response.writableFinished ? statusClassOf(response.statusCode) : 'aborted';
    observeDuration(metrics, trigger, statusClass, (performance.now() - receivedAt) / 1000);
  });
}

/** Records one request's duration in seconds. */
export function observeDuration(
  metrics: RequestMetrics,
  trigger: RequestTrigger,
  statusClass: string,
  seconds: number,
): void {
  const key = `${trigger} ${statusClass}`;
  let series = metrics.series.get(key);
  if (series === undefined) {
    series = { trigger, statusClass, counts: new Float64Array(requestDurationBuckets.length + 1), sum: 0 };
    metrics.series.set(key, series);
  }
  const bucket = bucketIndex(requestDurationBuckets, seconds);
  series.counts[bucket] = (series.counts[bucket] ?? 0) + 1;
  series.sum += seconds;
}

/** The bucket `value` falls in: the first bound it does not exceed, or the `+Inf` bucket after them. */
export function bucketIndex(bounds: readonly number[], value: number): number {
  let index = 0;
  for (const bound of bounds) {
    if (value <= bound) return index;
    index += 1;
  }
  return index;
}

/** `2xx` for 200–299, and so on. */
export function statusClassOf(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : 'other';
}

/** Test seam: forget every figure and turn recording off. */
export function resetRequestMetricsForTesting(): void {
  const metrics = requestMetrics();
  metrics.enabled = false;
  metrics.inFlight = 0;
  metrics.series.clear();
}
