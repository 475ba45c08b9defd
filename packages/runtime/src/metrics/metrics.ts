// Prometheus text exposition of what thaw knows about this process: when it started, how long
// each startup phase took, how many invocations it ran and the gauges of its pools. Plain text
// built on request from the mark buffer and the lifecycle stats: no client library, nothing
// computed per request beyond a counter.
import { performance } from 'node:perf_hooks';
import { ConfigError } from '../errors.ts';
import { addRoute, liveStats, type StatsProvider } from '../lifecycle.ts';
import { nodeBootstrapMarks, readMarks, type StartupMark } from '../startup/marks.ts';
import { invocationCount } from './invocation-count.ts';

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
 * Serves Prometheus-format metrics at `/metrics` (off until called): `process_start_time_seconds`,
 * `thaw_startup_phase_seconds{phase}`, `thaw_startup_milestone_seconds{milestone}`,
 * `thaw_invocations_total` and `thaw_resource_stat{resource,stat}` from the resources' gauges.
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
  // The core counts every invocation itself: serving metrics adds no invocation wrapper.
  addRoute(path, () => ({
    status: 200,
    headers: { 'content-type': metricsContentType },
    body: renderMetrics(liveStats()),
  }));
}

/**
 * The metrics as Prometheus text.
 *
 * @example
 * ```ts
 * renderMetrics(lifecycle().stats); // '# HELP process_start_time_seconds …'
 * ```
 */
export function renderMetrics(
  stats: ReadonlyMap<string, StatsProvider>,
  timeOrigin: number = performance.timeOrigin,
): string {
  const { marks, dropped } = readMarks();
  const lines: string[] = [];
  const family = (name: string, type: 'gauge' | 'counter', help: string): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  family('process_start_time_seconds', 'gauge', 'Start time of the process since the Unix epoch in seconds.');
  lines.push(`process_start_time_seconds ${formatNumber(timeOrigin / 1000)}`);

  family('thaw_startup_phase_seconds', 'gauge', 'Duration of each startup phase, Node bootstrap first.');
  const phases = [...nodeBootstrapMarks(), ...marks.filter((mark) => mark.endMs !== mark.startMs)];
  for (const mark of firstOfEachName(phases)) {
    lines.push(
      `thaw_startup_phase_seconds{phase="${label(mark.name)}"} ${seconds(mark.endMs - mark.startMs)}`,
    );
  }
  family(
    'thaw_startup_milestone_seconds',
    'gauge',
    'When each startup milestone was reached, since process start.',
  );
  for (const mark of firstOfEachName(marks.filter((m) => m.endMs === m.startMs))) {
    lines.push(`thaw_startup_milestone_seconds{milestone="${label(mark.name)}"} ${seconds(mark.startMs)}`);
  }
  family('thaw_startup_marks_dropped', 'gauge', 'Startup marks that did not fit in the buffer.');
  lines.push(`thaw_startup_marks_dropped ${dropped}`);

  family('thaw_invocations_total', 'counter', 'Invocations this process has started.');
  lines.push(`thaw_invocations_total ${invocationCount()}`);

  family('thaw_resource_stat', 'gauge', 'Gauges of pools and other resources.');
  for (const [resource, provider] of stats) {
    let gauges: Readonly<Record<string, number>>;
    try {
      gauges = provider();
    } catch {
      continue; // One broken provider must not take the whole page down.
    }
    for (const [stat, value] of Object.entries(gauges)) {
      lines.push(
        `thaw_resource_stat{resource="${label(resource)}",stat="${label(stat)}"} ${formatNumber(value)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

// Prometheus rejects two samples of one series; a phase recorded twice keeps its first value.
function firstOfEachName(marks: readonly StartupMark[]): StartupMark[] {
  const seen = new Set<string>();
  return marks.filter((mark) => (seen.has(mark.name) ? false : (seen.add(mark.name), true)));
}

function label(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function seconds(ms: number): string {
  return formatNumber(Math.max(0, ms) / 1000);
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
