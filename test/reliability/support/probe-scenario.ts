// Knative's readiness probing of two servers under the same load at the same time: thaw and a
// bare node:http server with the same initializer and handler. Each gets the queue-proxy's
// probe (the bench package's prober: a fresh connection every 50 ms, 100 ms timeout) from the
// moment its port accepts connections, and 100 keep-alive clients from a load generator of its
// own (a separate process, so the load does not slow the prober). Used by the reliability suite
// (which asserts the contract) and by benchmarks/probes (which publishes the figures).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  knativeProbeDefaults,
  probeOnce,
  watchReadiness,
  type ProbeResult,
} from '../../../packages/bench/src/knative/prober.ts';

const loadGenerator = join(import.meta.dirname, 'load-generator.ts');

/** The load each server gets. */
export interface ProbeLoad {
  readonly clients: number;
  readonly durationMs: number;
  /** CPU each request burns, ms. */
  readonly burnMs: number;
  /** I/O wait of each request, ms, drawn between the two. */
  readonly waitMs: readonly [number, number];
}

/**
 * Scenario (a) of the probes: I/O-bound handlers (a 200 ms wait, next to no CPU), 100 keep-alive
 * clients from the first instant, so 100 requests are held during init and resume together.
 */
export const ioBoundProbeLoad: ProbeLoad = { clients: 100, durationMs: 4_000, burnMs: 0, waitMs: [200, 200] };

/** A server the scenario probes: its port, and how to end it. */
export interface ProbeTarget {
  readonly port: number;
  stop(): Promise<void>;
}

/** One server's probes. */
export interface ProbeFigures {
  readonly probes: number;
  readonly timeouts: number;
  readonly over100Ms: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Probes until the first 200 (critical init running), then the rest. */
  readonly untilReady: number;
  readonly loadOk: number;
  readonly loadFailed: number;
  /** The server's own event-loop delay over the run (what a probe waits behind), ms. */
  readonly loopDelayP99Ms: number;
  readonly loopDelayMaxMs: number;
}

/** One server's probes in one run: the figures and every probe's latency. */
export interface ProbeSeries extends ProbeFigures {
  readonly latenciesMs: readonly number[];
}

/** Both servers' figures from one run. */
export interface ProbeRun {
  readonly thaw: ProbeSeries;
  readonly bare: ProbeSeries;
}

function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

const round = (value: number): number => Math.round(value * 100) / 100;

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if ((await probeOnce(port, { tcpSocket: true }, 200)) === 'ok') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`Port ${port} did not accept connections within ${timeoutMs} ms.`);
}

function runLoad(port: number, load: ProbeLoad): Promise<{ ok: number; failed: number }> {
  const child = spawn(
    process.execPath,
    [
      '--no-warnings',
      loadGenerator,
      String(port),
      String(load.clients),
      String(load.durationMs),
      String(load.burnMs),
      String(load.waitMs[0]),
      String(load.waitMs[1]),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), load.durationMs + 30_000);
    child.once('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as { ok: number; failed: number });
      else reject(new Error(`The load generator exited with ${code}.`));
    });
  });
}

async function probeUnderLoad(port: number, load: ProbeLoad): Promise<ProbeSeries> {
  await waitForPort(port, 20_000);
  const latencies: number[] = [];
  let timeouts = 0;
  let untilReady: number | undefined;
  const onProbe = (result: ProbeResult, latencyMs: number): void => {
    latencies.push(latencyMs);
    if (result === 'timeout') timeouts += 1;
    if (result === 'ok' && untilReady === undefined) untilReady = latencies.length - 1;
  };
  const watch = watchReadiness({ port, probe: { httpGet: { path: '/readyz' } }, onProbe });
  const counts = await runLoad(port, load).finally(() => watch.stop());
  const sorted = [...latencies].sort((a, b) => a - b);
  const loop = await readLoopDelay(port);
  return {
    ...latencyFigures(sorted, timeouts),
    latenciesMs: latencies,
    untilReady: untilReady ?? latencies.length,
    loadOk: counts.ok,
    loadFailed: counts.failed,
    loopDelayP99Ms: round(loop.p99Ms),
    loopDelayMaxMs: round(loop.maxMs),
  };
}

function latencyFigures(sorted: readonly number[], timeouts: number) {
  return {
    probes: sorted.length,
    timeouts,
    over100Ms: sorted.filter((ms) => ms > knativeProbeDefaults.timeoutMs).length,
    p50Ms: round(nearestRank(sorted, 50)),
    p95Ms: round(nearestRank(sorted, 95)),
    p99Ms: round(nearestRank(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Latency figures of one server over several runs, every probe pooled. */
export type PooledProbeFigures = ReturnType<typeof latencyFigures> & { readonly runs: number };

/**
 * Pools one server's probes over `runs` (more probes make a steadier tail than one run's).
 *
 * @example
 * ```ts
 * const thaw = poolProbes(runs, 'thaw');
 * ```
 */
export function poolProbes(runs: readonly ProbeRun[], kind: 'thaw' | 'bare'): PooledProbeFigures {
  const sorted = runs.flatMap((run) => run[kind].latenciesMs).sort((a, b) => a - b);
  const timeouts = runs.reduce((sum, run) => sum + run[kind].timeouts, 0);
  return { ...latencyFigures(sorted, timeouts), runs: runs.length };
}

/** A run's figures without the raw latencies, for a results file. */
export function withoutLatencies(run: ProbeRun): { thaw: ProbeFigures; bare: ProbeFigures } {
  const strip = ({ latenciesMs: _latencies, ...figures }: ProbeSeries): ProbeFigures => figures;
  return { thaw: strip(run.thaw), bare: strip(run.bare) };
}

async function readLoopDelay(port: number): Promise<{ p99Ms: number; maxMs: number }> {
  const response = await fetch(`http://127.0.0.1:${port}/_loop`, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as { p99Ms: number; maxMs: number };
}

/**
 * Starts both servers (`start` gives each its port), probes and loads both at once, and stops
 * them.
 *
 * @example
 * ```ts
 * const run = await runProbeScenario(load, (kind) => spawnTarget(kind));
 * expect(run.thaw.timeouts).toBe(0);
 * ```
 */
export async function runProbeScenario(
  load: ProbeLoad,
  start: (kind: 'thaw' | 'bare') => Promise<ProbeTarget>,
): Promise<ProbeRun> {
  const [thaw, bare] = await Promise.all([start('thaw'), start('bare')]);
  try {
    const [thawFigures, bareFigures] = await Promise.all([
      probeUnderLoad(thaw.port, load),
      probeUnderLoad(bare.port, load),
    ]);
    return { thaw: thawFigures, bare: bareFigures };
  } finally {
    await Promise.all([thaw.stop(), bare.stop()]);
  }
}
