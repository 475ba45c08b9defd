// The queue-proxy's readiness probe of the user container, as knative/serving
// pkg/queue/readiness/probe.go does it when periodSeconds is 0 (its default): an attempt every
// 50 ms counted from the first (the next starts at once when one ran late), each with a 100 ms
// timeout on a fresh connection, until `successThreshold` consecutive successes or 10 s. HTTP
// passes on 200–399; with no readiness endpoint the container is probed over TCP.
import { performance } from 'node:perf_hooks';
import { canConnect, sendRequest } from '../http-client.ts';

/** What to probe: an HTTP path, or TCP (a container with no readiness endpoint). */
export type KnativeProbe = { readonly httpGet: { readonly path: string } } | { readonly tcpSocket: true };

/** Knative's aggressive-probing constants (probe.go). */
export const knativeProbeDefaults = {
  periodMs: 50,
  timeoutMs: 100,
  pollTimeoutMs: 10_000,
  successThreshold: 1,
} as const;

/** How to probe. */
export interface ProberOptions {
  readonly port: number;
  readonly probe: KnativeProbe;
  readonly periodMs?: number;
  readonly timeoutMs?: number;
  readonly pollTimeoutMs?: number;
  readonly successThreshold?: number;
  /** Milliseconds on the caller's timeline. @default performance.now() */
  readonly clock?: () => number;
  /**
   * Called after each probe with its result and how long it took (connect to last byte, or to
   * the timeout), for figures of probe latency.
   */
  readonly onProbe?: (result: ProbeResult, latencyMs: number) => void;
}

async function timedProbe(options: ProberOptions, timeoutMs: number): Promise<ProbeResult> {
  const started = performance.now();
  const result = await probeOnce(options.port, options.probe, timeoutMs);
  options.onProbe?.(result, performance.now() - started);
  return result;
}

/** One probe's result. */
export type ProbeResult = 'ok' | 'failed' | 'timeout';

/** Counts and the moment readiness was seen. */
export interface ProbeTally {
  /** `clock()` when the success that met the threshold completed; undefined if never. */
  readonly readyAtMs: number | undefined;
  readonly attempts: number;
  readonly failures: number;
  readonly timeouts: number;
  readonly lastError: string | undefined;
}

/** Runs one probe attempt on a fresh connection. */
export async function probeOnce(port: number, probe: KnativeProbe, timeoutMs: number): Promise<ProbeResult> {
  if ('tcpSocket' in probe) return (await canConnect(port, timeoutMs)) ? 'ok' : 'failed';
  const started = performance.now();
  try {
    const { status } = await sendRequest({
      port,
      method: 'GET',
      path: probe.httpGet.path,
      headers: { 'user-agent': 'kube-probe/thaw-bench', 'k-network-probe': 'queue' },
      timeoutMs,
    });
    return status >= 200 && status < 400 ? 'ok' : 'failed';
  } catch {
    return performance.now() - started >= timeoutMs - 1 ? 'timeout' : 'failed';
  }
}

function sleep(ms: number, stop: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
    stop.then(() => undefined),
  ]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * Probes until `successThreshold` consecutive successes (resolving with `readyAtMs`), the poll
 * timeout, or `stop` settling (the container exited).
 *
 * @example
 * ```ts
 * const tally = await probeUntilReady({ port, probe: { httpGet: { path: '/readyz' } } }, exited);
 * ```
 */
export async function probeUntilReady(options: ProberOptions, stop: Promise<unknown>): Promise<ProbeTally> {
  const clock = options.clock ?? (() => performance.now());
  const periodMs = options.periodMs ?? knativeProbeDefaults.periodMs;
  const timeoutMs = options.timeoutMs ?? knativeProbeDefaults.timeoutMs;
  const threshold = options.successThreshold ?? knativeProbeDefaults.successThreshold;
  const origin = clock();
  const deadline = origin + (options.pollTimeoutMs ?? knativeProbeDefaults.pollTimeoutMs);
  const state = { stopped: false };
  void stop.then(() => (state.stopped = true));
  let attempts = 0;
  let failures = 0;
  let timeouts = 0;
  let streak = 0;
  let lastError: string | undefined;
  for (let k = 0; !state.stopped && clock() <= deadline; k++) {
    attempts++;
    const result = await timedProbe(options, timeoutMs);
    if (result === 'ok') {
      streak++;
      if (streak >= threshold) return { readyAtMs: clock(), attempts, failures, timeouts, lastError };
    } else {
      streak = 0;
      if (result === 'timeout') timeouts++;
      else failures++;
      lastError = result;
    }
    const wait = origin + (k + 1) * periodMs - clock();
    if (wait > 0) await sleep(wait, stop);
  }
  return { readyAtMs: undefined, attempts, failures, timeouts, lastError };
}

/**
 * Keeps probing after ready, every `periodMs`, and counts what a real queue-proxy would see as
 * a readiness blip: failures and timeouts. `stop()` ends it and resolves with the counts.
 *
 * @example
 * ```ts
 * const watch = watchReadiness({ port, probe: { tcpSocket: true } });
 * // … requests …
 * const { timeouts } = await watch.stop();
 * ```
 */
export function watchReadiness(options: ProberOptions): { stop: () => Promise<ProbeTally> } {
  const periodMs = options.periodMs ?? knativeProbeDefaults.periodMs;
  const timeoutMs = options.timeoutMs ?? knativeProbeDefaults.timeoutMs;
  let resolveStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => {
    resolveStop = resolve;
  });
  const state = { stopped: false };
  const tally = { attempts: 0, failures: 0, timeouts: 0, lastError: undefined as string | undefined };
  const loop = (async () => {
    const origin = performance.now();
    for (let k = 0; !state.stopped; k++) {
      tally.attempts++;
      const result = await timedProbe(options, timeoutMs);
      if (result === 'timeout') tally.timeouts++;
      if (result === 'failed') tally.failures++;
      if (result !== 'ok') tally.lastError = result;
      const wait = origin + (k + 1) * periodMs - performance.now();
      if (wait > 0) await sleep(wait, stopSignal);
    }
  })();
  return {
    stop: async () => {
      state.stopped = true;
      resolveStop();
      await loop;
      return { readyAtMs: undefined, ...tally };
    },
  };
}

/** The counts of one stretch of probing. */
export type ProbeCounts = Pick<ProbeTally, 'attempts' | 'failures' | 'timeouts'>;

/** The probes after ready, split at the first response (each counted where it started). */
export interface AfterReadyProbes {
  /** Ready → the first response. */
  readonly beforeResponse: ProbeCounts;
  /** From the first response on: for the window, and at least until `finish` was called. */
  readonly afterResponse: ProbeCounts & {
    readonly windowMs: number;
    /** How long probing went on after the first response (0 when there was none). */
    readonly probedMs: number;
    /** When each probe that timed out started, in ms after the first response. */
    readonly timeoutsAtMs: readonly number[];
  };
}

/** How to probe after ready; `windowMs` is how long probing goes on after the first response. */
export interface AfterReadyOptions extends ProberOptions {
  readonly windowMs: number;
}

/**
 * Keeps probing from ready on, as the queue-proxy does for as long as the pod lives: through the
 * requests, and for `windowMs` after the first response, when a function may still be loading
 * what it deferred. `responded()` marks the first response (later calls are ignored);
 * `finish(stop)` waits out the rest of the window (or `stop` settling: the container exited),
 * ends the probing and splits the counts at the first response.
 *
 * @example
 * ```ts
 * const watch = watchAfterReady({ port, probe: { httpGet: { path: '/readyz' } }, windowMs: 3000 });
 * // … the first response: watch.responded(); … the last one …
 * const { beforeResponse, afterResponse } = await watch.finish(exited);
 * ```
 */
export function watchAfterReady(options: AfterReadyOptions): {
  responded: () => void;
  finish: (stop?: Promise<unknown>) => Promise<AfterReadyProbes>;
} {
  const clock = options.clock ?? (() => performance.now());
  const probes: Array<{ startedAtMs: number; result: ProbeResult }> = [];
  let respondedAtMs: number | undefined;
  const watch = watchReadiness({
    ...options,
    onProbe: (result, latencyMs) => {
      probes.push({ startedAtMs: clock() - latencyMs, result });
      options.onProbe?.(result, latencyMs);
    },
  });
  const count = (list: typeof probes): ProbeCounts => ({
    attempts: list.length,
    failures: list.filter((p) => p.result === 'failed').length,
    timeouts: list.filter((p) => p.result === 'timeout').length,
  });
  const windowLeft = (): number =>
    respondedAtMs === undefined ? 0 : respondedAtMs + options.windowMs - clock();
  return {
    responded: () => {
      respondedAtMs ??= clock();
    },
    finish: async (stop = new Promise(() => undefined)) => {
      const state = { stopped: false };
      void stop.then(() => (state.stopped = true));
      // A timer may fire a little before the clock says its time is up: wait again for the rest.
      for (let left = windowLeft(); left > 0 && !state.stopped; left = windowLeft()) {
        await sleep(left, stop);
        await Promise.resolve();
      }
      await watch.stop();
      const endedAtMs = clock();
      const mark = respondedAtMs ?? Number.POSITIVE_INFINITY;
      const after = probes.filter((p) => p.startedAtMs >= mark);
      return {
        beforeResponse: count(probes.filter((p) => p.startedAtMs < mark)),
        afterResponse: {
          ...count(after),
          windowMs: options.windowMs,
          probedMs: respondedAtMs === undefined ? 0 : endedAtMs - respondedAtMs,
          timeoutsAtMs: after.filter((p) => p.result === 'timeout').map((p) => p.startedAtMs - mark),
        },
      };
    },
  };
}
