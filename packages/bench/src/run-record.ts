// What one cold-start run produced. Times are milliseconds since spawn, measured by the harness
// with performance.now(); `runtime` is what a thaw function reported about itself over IPC.
import type { StartupReport } from './startup-report.ts';
import { type BenchErrorCode } from './errors.ts';
import { type KnativeRunRecord } from './knative/knative-cold-start.ts';

/**
 * A container variant's run through the emulated Knative path, times in ms from the first
 * request's arrival at the activator (the startup report is in the record's `runtime`).
 */
export type ContainerRunDetails = Omit<KnativeRunRecord, 'startup'>;

/** Why a run did not reach its first response. */
export interface RunFailure {
  readonly code: BenchErrorCode;
  readonly message: string;
  /** The last bytes the child wrote to stderr. */
  readonly stderrTail: string;
}

/** How the child ended. `beforeKill` is true when it exited on its own before the harness stopped it. */
export interface RunExit {
  readonly code: number | null;
  readonly signal: string | null;
  readonly beforeKill: boolean;
}

/** One request of a burst, timed from spawn. */
export interface BurstRequest {
  readonly latencyMs?: number;
  readonly status?: number;
  readonly error?: string;
}

/** Warm latencies measured after the first response. */
export interface SteadyResult {
  readonly latenciesMs: readonly number[];
  readonly errors: number;
}

/** What a thaw function said about its own start over IPC. */
export interface RuntimeReport {
  /** When the harness received `thaw:ready`, ms since spawn. */
  readonly readyMessageMs?: number;
  /** Process start (the child's `performance.timeOrigin`) minus spawn: the exec gap. */
  readonly processStartMs?: number;
  /** The report as completed after the first response (`thaw:startup`), else the `thaw:ready` one. */
  readonly report: StartupReport;
}

/** One run of one variant. */
export interface RunRecord {
  readonly variant: string;
  /** 0-based index among this variant's runs of the same kind (warm-up or measured). */
  readonly iteration: number;
  readonly warmup: boolean;
  readonly ok: boolean;
  readonly failure?: RunFailure;
  readonly pid?: number;
  readonly port: number;
  /** Wall-clock time of spawn, ISO 8601. */
  readonly startedAt: string;
  readonly listeningMs?: number;
  readonly readyMs?: number;
  readonly firstResponseMs?: number;
  readonly firstResponseStatus?: number;
  /** RSS of the child at ready, from /proc/<pid>/status. */
  readonly rssBytes?: number;
  /** User + system CPU time of the child at ready, from /proc/<pid>/stat (10 ms resolution). */
  readonly cpuMs?: number;
  readonly exit?: RunExit;
  readonly runtime?: RuntimeReport;
  readonly steady?: SteadyResult;
  readonly burst?: readonly BurstRequest[];
  /**
   * Present for a container variant. Its run's times (`listeningMs`, `readyMs` as the prober
   * saw it, `firstResponseMs`) then count from the request's arrival, not from a spawn.
   */
  readonly container?: ContainerRunDetails;
}

/**
 * The numeric per-run metrics the statistics are computed over.
 *
 * @example
 * ```ts
 * for (const metric of runMetrics) console.log(metric, record[metric]);
 * ```
 */
export const runMetrics = ['listeningMs', 'readyMs', 'firstResponseMs', 'rssBytes', 'cpuMs'] as const;

/** One of `runMetrics`. */
export type RunMetric = (typeof runMetrics)[number];
