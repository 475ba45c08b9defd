// installMetrics(): the opt-in Prometheus endpoint. This module is loaded with the runtime, so it
// holds only the option check, the route and the collection of figures the core already keeps;
// the formatting (render.ts) is loaded with import() on the first scrape. Turning metrics on
// makes the core time each invocation (request-metrics.ts).
import { ConfigError } from '../errors.ts';
import { initializerStatuses } from '../init-registry.ts';
import { addRoute, lifecycle, liveStats, type StatsProvider } from '../lifecycle.ts';
import { memoryLimitBytes, memoryShedCount, memoryShedding } from '../memory/memory-state.ts';
import { findMark, nodeBootstrapMarks, readMarks } from '../startup/marks.ts';
import { invocationCount } from './invocation-count.ts';
import type { MetricsSnapshot, renderMetrics as RenderMetrics } from './render.ts';
import { requestDurationBuckets, requestMetrics, type RequestMetrics } from './request-metrics.ts';

/** Options of {@link installMetrics}. */
export interface MetricsOptions {
  /**
   * Exact path the metrics are served on, answered before the user handler.
   * @default '/metrics'
   */
  readonly path?: string;
}

/**
 * The defaults of {@link MetricsOptions}.
 *
 * @example
 * ```ts
 * installMetrics({ path: options.path ?? defaultMetricsOptions.path });
 * ```
 */
export const defaultMetricsOptions: Required<MetricsOptions> = { path: '/metrics' };

/** The Prometheus text format's content type. */
export const metricsContentType = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Serves Prometheus-format metrics at `/metrics` (off until called): cold-start count and
 * duration, startup phases, request duration by trigger and status class, invocations in flight,
 * initializers, pools and process metrics (the full list is in the README).
 *
 * @example
 * ```ts
 * import { installMetrics, serve } from '@thaw/runtime';
 * installMetrics();
 * serve(() => new Response('hello'));
 * ```
 */
export function installMetrics(options: MetricsOptions = {}): void {
  const path = options.path ?? defaultMetricsOptions.path;
  if (typeof path !== 'string' || !path.startsWith('/') || /[?#\s]/.test(path)) {
    throw new ConfigError(
      'path',
      path,
      'an absolute path without query, fragment or spaces, such as "/metrics"',
    );
  }
  requestMetrics().enabled = true;
  let render: Promise<{ readonly renderMetrics: typeof RenderMetrics }> | undefined;
  addRoute(path, async () => {
    render ??= import('./render.ts');
    const { renderMetrics } = await render;
    return {
      status: 200,
      headers: { 'content-type': metricsContentType },
      body: renderMetrics(collectMetrics()),
    };
  });
}

/** What {@link collectMetrics} reads instead of the live process (tests). */
export interface CollectInput {
  readonly stats?: ReadonlyMap<string, StatsProvider>;
  /** Process start, ms since the Unix epoch. */
  readonly timeOrigin?: number;
  readonly requests?: RequestMetrics;
  /** The container's limit; absent: read from the cgroup (once per process). */
  readonly memoryLimitBytes?: number | undefined;
}

/**
 * The figures of one page, read from the process: startup marks, initializers, the resources'
 * gauges (a provider that throws is left out), the request figures.
 *
 * @example
 * ```ts
 * renderMetrics(collectMetrics());
 * ```
 */
export function collectMetrics(input: CollectInput = {}): MetricsSnapshot {
  const { marks, dropped } = readMarks();
  const resources = new Map<string, Readonly<Record<string, number>>>();
  for (const [resource, provider] of input.stats ?? liveStats()) {
    try {
      resources.set(resource, provider());
    } catch {
      // One broken provider must not take the whole page down.
    }
  }
  return {
    timeOrigin: input.timeOrigin ?? performance.timeOrigin,
    memoryLimitBytes: 'memoryLimitBytes' in input ? input.memoryLimitBytes : memoryLimitBytes(),
    memoryShed: memoryShedCount(),
    memoryShedding: memoryShedding(),
    marks,
    marksDropped: dropped,
    nodeMarks: nodeBootstrapMarks(),
    readyAt: lifecycle().readyAt ?? findMark('ready')?.startMs,
    firstResponseAt: findMark('first response')?.startMs,
    invocations: invocationCount(),
    requests: input.requests ?? requestMetrics(),
    requestBuckets: requestDurationBuckets,
    initializers: initializerStatuses(),
    resources,
  };
}
