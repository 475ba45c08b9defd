// What a container variant's runs add to its summary: arrival → response split into its parts,
// the app share, probe timeouts and failures after ready, and OOM kills (failed runs, counted,
// never dropped). Medians over the measured runs that produced each figure.
import { type RunRecord } from './run-record.ts';
import { distributionOf } from './stats.ts';

/** Median and p99 of one figure, and how many runs produced it. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly p99: number;
  readonly max: number;
}

/** The Knative-mode figures of one container variant. */
export interface ContainerSummary {
  readonly probing: string;
  /** Measured runs the kernel killed for exceeding the memory limit (each also a failed run). */
  readonly oomKills: number;
  /** First response − the runtime's StartedAt: the image's and the function's own share. */
  readonly appShareMs?: Spread;
  /** Request arrival → first complete response. */
  readonly arrivalToResponseMs?: Spread;
  /** Medians of the parts of arrival → response. */
  readonly breakdown?: {
    readonly containerStartMs: number;
    readonly processToListeningMs: number;
    readonly listeningToReadyMs: number;
    /** Ready → the probe's sighting; over runs where the ready moment is known. */
    readonly probeLagMs?: number;
    /** Worst probe lag seen. */
    readonly probeLagMaxMs?: number;
    readonly upstreamMs: number;
    readonly proxyOverheadMs: number;
  };
  /** Probes from ready to the first response that timed out (100 ms) or failed, over every measured run. */
  readonly probeTimeoutsAfterReady: number;
  readonly probeFailuresAfterReady: number;
  readonly probesAfterReady: number;
  /**
   * Probes from the first response on (for `probeAfterResponseMs`, at least until the last
   * response) that timed out or failed, over every measured run.
   */
  readonly probeTimeoutsAfterResponse: number;
  readonly probeFailuresAfterResponse: number;
  readonly probesAfterResponse: number;
  /** When the timeouts after the first response started, in ms after it, every run's, sorted. */
  readonly probeTimeoutsAfterResponseAtMs: readonly number[];
}

function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const d = distributionOf(values);
  return { n: d.n, median: d.median, p99: d.p99, max: d.max };
}

const median = (values: readonly number[]): number => distributionOf(values).median;

/**
 * The container figures of `measured` (one variant's measured runs, failed ones included);
 * undefined when none ran as a container.
 *
 * @example
 * ```ts
 * const c = summarizeContainerRuns(runs.filter((r) => r.variant === 'thaw' && !r.warmup));
 * console.log(c?.appShareMs?.median, c?.oomKills);
 * ```
 */
export function summarizeContainerRuns(measured: readonly RunRecord[]): ContainerSummary | undefined {
  const runs = measured.flatMap((r) => (r.container === undefined ? [] : [{ ok: r.ok, c: r.container }]));
  const first = runs[0];
  if (first === undefined) return undefined;
  const ok = runs.filter((r) => r.ok).map((r) => r.c);
  const parts = ok.flatMap((c) => (c.breakdown === undefined ? [] : [c.breakdown]));
  const lags = parts.map((b) => b.probeLagMs).filter((v): v is number => v !== undefined);
  const appShare = spread(ok.map((c) => c.appShareMs).filter((v): v is number => v !== undefined));
  const arrival = spread(ok.map((c) => c.firstResponseMs).filter((v): v is number => v !== undefined));
  const sum = (pick: (c: (typeof runs)[number]['c']) => number | undefined): number =>
    runs.reduce((total, r) => total + (pick(r.c) ?? 0), 0);
  return {
    probing: first.c.probing,
    oomKills: runs.filter((r) => r.c.oomKilled).length,
    ...(appShare === undefined ? {} : { appShareMs: appShare }),
    ...(arrival === undefined ? {} : { arrivalToResponseMs: arrival }),
    ...(parts.length === 0
      ? {}
      : {
          breakdown: {
            containerStartMs: median(parts.map((b) => b.containerStartMs)),
            processToListeningMs: median(parts.map((b) => b.processToListeningMs)),
            listeningToReadyMs: median(parts.map((b) => b.listeningToReadyMs)),
            ...(lags.length === 0 ? {} : { probeLagMs: median(lags), probeLagMaxMs: Math.max(...lags) }),
            upstreamMs: median(parts.map((b) => b.upstreamMs)),
            proxyOverheadMs: median(parts.map((b) => b.proxyOverheadMs)),
          },
        }),
    probeTimeoutsAfterReady: sum((c) => c.probesAfterReady?.timeouts),
    probeFailuresAfterReady: sum((c) => c.probesAfterReady?.failures),
    probesAfterReady: sum((c) => c.probesAfterReady?.attempts),
    probeTimeoutsAfterResponse: sum((c) => c.probesAfterResponse?.timeouts),
    probeFailuresAfterResponse: sum((c) => c.probesAfterResponse?.failures),
    probesAfterResponse: sum((c) => c.probesAfterResponse?.attempts),
    probeTimeoutsAfterResponseAtMs: runs
      .flatMap((r) => r.c.probesAfterResponse?.timeoutsAtMs ?? [])
      .sort((a, b) => a - b),
  };
}
