// The Prometheus text page, formatted from a snapshot that metrics.ts collects on each scrape (the
// startup marks, the initializers, the resources' gauges, the request figures) and Node's own
// process counters. Loaded with import() on the first scrape, and importing only types, so a
// function that serves metrics pays nothing for this module before Prometheus first asks.
import type { InitState, InitializerStatus } from '../init-registry.ts';
import type { StartupMark } from '../startup/marks.ts';
import type { RequestMetrics } from './request-metrics.ts';

/** Upper bounds, in seconds, of the cold-start duration histogram's buckets (`+Inf` is implied). */
export const coldStartBuckets: readonly number[] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** The gauges of a pool, each exposed as `thaw_pool_<gauge>{pool}`. */
const poolGauges: ReadonlyArray<readonly [stat: string, help: string]> = [
  ['size', 'Connections the pool holds, idle or borrowed.'],
  ['idle', 'Connections of the pool that are idle.'],
  ['borrowed', 'Connections of the pool that are borrowed.'],
  ['waiting', 'Borrows (or commands) waiting for a connection of the pool.'],
  ['max', 'The most connections the pool opens.'],
  ['min', 'The fewest connections the pool keeps.'],
];

const initStates: readonly InitState[] = ['idle', 'pending', 'ready', 'failed'];

/** What one page is made of, collected from the live process by `collectMetrics()`. */
export interface MetricsSnapshot {
  /** Process start, ms since the Unix epoch. */
  readonly timeOrigin: number;
  /** The container's memory limit in bytes; `undefined` when there is none or it is unknown. */
  readonly memoryLimitBytes: number | undefined;
  /** Requests refused because memory was near its limit, and whether they are refused now. */
  readonly memoryShed: number;
  readonly memoryShedding: boolean;
  /** thaw's startup marks, in recording order, and how many did not fit. */
  readonly marks: readonly StartupMark[];
  readonly marksDropped: number;
  /** Node's own bootstrap phases. */
  readonly nodeMarks: readonly StartupMark[];
  /** Ready and the end of the first response, ms since process start, once reached. */
  readonly readyAt: number | undefined;
  readonly firstResponseAt: number | undefined;
  readonly invocations: number;
  readonly requests: RequestMetrics;
  readonly requestBuckets: readonly number[];
  readonly initializers: readonly InitializerStatus[];
  /** The gauges of each resource that answered. */
  readonly resources: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

/**
 * The metrics as Prometheus text (format 0.0.4).
 *
 * @example
 * ```ts
 * renderMetrics(collectMetrics()); // '# HELP process_start_time_seconds …'
 * ```
 */
export function renderMetrics(snapshot: MetricsSnapshot): string {
  const page = new Page();
  renderProcess(page, snapshot);
  renderMemory(page, snapshot);
  renderStartup(page, snapshot);
  renderRequests(page, snapshot);
  renderInitializers(page, snapshot.initializers);
  renderResources(page, snapshot.resources);
  return page.text();
}

/** The process's start time and CPU, named as Prometheus' client libraries name them. */
function renderProcess(page: Page, snapshot: MetricsSnapshot): void {
  page.metric(
    'process_start_time_seconds',
    'gauge',
    'Start time of the process since the Unix epoch in seconds.',
    snapshot.timeOrigin / 1000,
  );
  const cpu = process.cpuUsage();
  page.metric(
    'process_cpu_user_seconds_total',
    'counter',
    'User CPU time spent by the process in seconds.',
    cpu.user / 1e6,
  );
  page.metric(
    'process_cpu_system_seconds_total',
    'counter',
    'System CPU time spent by the process in seconds.',
    cpu.system / 1e6,
  );
  page.metric(
    'process_cpu_seconds_total',
    'counter',
    'User and system CPU time spent by the process in seconds.',
    (cpu.user + cpu.system) / 1e6,
  );
}

/** Resident and heap memory, the container's limit and the memory guard's shedding. */
function renderMemory(page: Page, snapshot: MetricsSnapshot): void {
  const memory = process.memoryUsage();
  page.metric(
    'process_resident_memory_bytes',
    'gauge',
    'Resident memory size of the process in bytes.',
    memory.rss,
  );
  page.metric('nodejs_heap_size_total_bytes', 'gauge', 'V8 heap size in bytes.', memory.heapTotal);
  page.metric('nodejs_heap_size_used_bytes', 'gauge', 'V8 heap in use in bytes.', memory.heapUsed);
  page.metric(
    'nodejs_external_memory_bytes',
    'gauge',
    'Memory of C++ objects bound to JavaScript objects in bytes.',
    memory.external,
  );
  if (snapshot.memoryLimitBytes !== undefined) {
    page.metric(
      'thaw_memory_limit_bytes',
      'gauge',
      'Memory limit of the container (its cgroup) in bytes.',
      snapshot.memoryLimitBytes,
    );
  }
  page.metric(
    'thaw_memory_shed_total',
    'counter',
    'Requests answered 503 because memory was near its limit.',
    snapshot.memoryShed,
  );
  page.metric(
    'thaw_memory_shedding',
    'gauge',
    '1 while new requests are refused because memory is near its limit.',
    snapshot.memoryShedding ? 1 : 0,
  );
}

function renderStartup(page: Page, snapshot: MetricsSnapshot): void {
  const { marks, marksDropped: dropped, readyAt, firstResponseAt } = snapshot;
  page.family('thaw_startup_phase_seconds', 'gauge', 'Duration of each startup phase, Node bootstrap first.');
  const phases = [...snapshot.nodeMarks, ...marks.filter((mark) => mark.endMs !== mark.startMs)];
  for (const mark of firstOfEachName(phases)) {
    page.sample(
      'thaw_startup_phase_seconds',
      labels({ phase: mark.name }),
      seconds(mark.endMs - mark.startMs),
    );
  }
  page.family(
    'thaw_startup_milestone_seconds',
    'gauge',
    'When each startup milestone was reached, since process start.',
  );
  for (const mark of firstOfEachName(marks.filter((m) => m.endMs === m.startMs))) {
    page.sample('thaw_startup_milestone_seconds', labels({ milestone: mark.name }), seconds(mark.startMs));
  }
  page.metric(
    'thaw_startup_marks_dropped',
    'gauge',
    'Startup marks that did not fit in the buffer.',
    dropped,
  );

  page.metric(
    'thaw_cold_starts_total',
    'counter',
    'Cold starts of this process: 1 once it became ready.',
    readyAt === undefined ? 0 : 1,
  );
  page.family(
    'thaw_cold_start_duration_seconds',
    'histogram',
    'Time from process start to ready and to the first response (one observation each per process).',
  );
  for (const [until, at] of [
    ['ready', readyAt],
    ['first_response', firstResponseAt],
  ] as const) {
    const counts = new Float64Array(coldStartBuckets.length + 1);
    let sum = 0;
    if (at !== undefined) {
      const value = Math.max(0, at) / 1000;
      counts[bucketIndex(coldStartBuckets, value)] = 1;
      sum = value;
    }
    page.histogram('thaw_cold_start_duration_seconds', { until }, coldStartBuckets, counts, sum);
  }
}

function renderRequests(page: Page, snapshot: MetricsSnapshot): void {
  const { requests } = snapshot;
  page.metric(
    'thaw_invocations_total',
    'counter',
    'Invocations this process has started.',
    snapshot.invocations,
  );
  page.metric(
    'thaw_invocations_in_flight',
    'gauge',
    'Invocations received and not yet answered, held ones included.',
    requests.inFlight,
  );
  page.family(
    'thaw_request_duration_seconds',
    'histogram',
    'Time from receiving a request to the end of its response, by trigger and status class.',
  );
  for (const series of requests.series.values()) {
    page.histogram(
      'thaw_request_duration_seconds',
      { trigger: series.trigger, status_class: series.statusClass },
      snapshot.requestBuckets,
      series.counts,
      series.sum,
    );
  }
}

function renderInitializers(page: Page, statuses: readonly InitializerStatus[]): void {
  page.family(
    'thaw_initializer_duration_seconds',
    'gauge',
    'Time from the first attempt of each initializer to its value (or to its last failure).',
  );
  for (const status of statuses) {
    if (status.startMs === undefined || status.endMs === undefined) continue;
    page.sample(
      'thaw_initializer_duration_seconds',
      labels({ initializer: status.name, when: status.when }),
      seconds(status.endMs - status.startMs),
    );
  }
  page.family(
    'thaw_initializer_attempts_total',
    'counter',
    'Finished attempts of each initializer, by outcome.',
  );
  for (const status of statuses) {
    const succeeded = status.state === 'ready' ? 1 : 0;
    const running = status.state === 'pending' ? 1 : 0;
    const failed = Math.max(0, status.attempts - succeeded - running);
    for (const [outcome, value] of [
      ['ready', succeeded],
      ['failed', failed],
    ] as const) {
      page.sample(
        'thaw_initializer_attempts_total',
        labels({ initializer: status.name, when: status.when, outcome }),
        value,
      );
    }
  }
  page.family('thaw_initializer_state', 'gauge', 'Where each initializer stands: 1 for its current state.');
  for (const status of statuses) {
    for (const state of initStates) {
      page.sample(
        'thaw_initializer_state',
        labels({ initializer: status.name, when: status.when, state }),
        status.state === state ? 1 : 0,
      );
    }
  }
}

function renderResources(page: Page, gauges: ReadonlyMap<string, Readonly<Record<string, number>>>): void {
  for (const [stat, help] of poolGauges) {
    const name = `thaw_pool_${stat}`;
    page.family(name, 'gauge', help);
    for (const [resource, values] of gauges) {
      const value = values[stat];
      if (!resource.startsWith('pool:') || value === undefined) continue;
      page.sample(name, labels({ pool: resource.slice('pool:'.length) }), value);
    }
  }
  page.family('thaw_resource_stat', 'gauge', 'Gauges of pools and other resources.');
  for (const [resource, values] of gauges) {
    for (const [stat, value] of Object.entries(values)) {
      page.sample('thaw_resource_stat', labels({ resource, stat }), value);
    }
  }
}

/** The text being built. */
class Page {
  readonly #lines: string[] = [];

  family(name: string, type: 'gauge' | 'counter' | 'histogram', help: string): void {
    this.#lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  }

  /** A family with one unlabelled sample. */
  metric(name: string, type: 'gauge' | 'counter', help: string, value: number): void {
    this.family(name, type, help);
    this.sample(name, '', value);
  }

  /** `labelText` is `{…}` or empty. */
  sample(name: string, labelText: string, value: number): void {
    this.#lines.push(`${name}${labelText} ${formatNumber(value)}`);
  }

  histogram(
    name: string,
    labelSet: Readonly<Record<string, string>>,
    bounds: readonly number[],
    counts: Float64Array,
    sum: number,
  ): void {
    let cumulative = 0;
    for (const [index, le] of [...bounds.map(formatNumber), '+Inf'].entries()) {
      cumulative += counts[index] ?? 0;
      this.sample(`${name}_bucket`, labels({ ...labelSet, le }), cumulative);
    }
    this.sample(`${name}_sum`, labels(labelSet), sum);
    this.sample(`${name}_count`, labels(labelSet), cumulative);
  }

  text(): string {
    return `${this.#lines.join('\n')}\n`;
  }
}

/** The first bound `value` does not exceed, or the `+Inf` bucket after them. */
function bucketIndex(bounds: readonly number[], value: number): number {
  let index = 0;
  for (const bound of bounds) {
    if (value <= bound) return index;
    index += 1;
  }
  return index;
}

// Prometheus rejects two samples of one series; a phase recorded twice keeps its first value.
function firstOfEachName(marks: readonly StartupMark[]): StartupMark[] {
  const seen = new Set<string>();
  return marks.filter((mark) => (seen.has(mark.name) ? false : (seen.add(mark.name), true)));
}

function labels(values: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(values).map(([key, value]) => `${key}="${escapeLabel(value)}"`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function seconds(ms: number): number {
  return Math.max(0, ms) / 1000;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : '-Inf';
  return String(value);
}
