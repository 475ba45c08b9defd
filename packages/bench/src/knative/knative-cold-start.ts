// One scale-from-zero as Knative runs it, emulated on one machine: N requests arrive at an
// activator while the revision is at zero; the activator asks for a pod, so the container is
// started (podman + runc, under the variant's limits); a queue-proxy-style prober probes it
// (every 50 ms, 100 ms timeout, fresh connections, successThreshold); once it passes, the held
// requests go through the queue-proxy's breaker (containerConcurrency) to the container.
// Whatever happens, the container is stopped and removed and the proxies closed.
import { performance } from 'node:perf_hooks';
import type { StartupReport } from '../startup-report.ts';
import { freePort } from '../free-port.ts';
import { canConnect } from '../http-client.ts';
import { releasePort } from '../port-reservation.ts';
import { type Container, type ContainerState, Podman, type PodmanStore } from '../containers/podman.ts';
import { startActivator } from './activator.ts';
import { exchange } from './exchange.ts';
import {
  type AfterReadyProbes,
  type KnativeProbe,
  type ProbeCounts,
  type ProbeTally,
  knativeProbeDefaults,
  probeUntilReady,
  watchAfterReady,
} from './prober.ts';
import { startQueueProxy } from './queue-proxy.ts';

/** One container variant, resolved (from an image reference or a Service manifest, with overrides). */
export interface ContainerVariant {
  readonly name: string;
  readonly image: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cpus?: number;
  readonly memoryBytes?: number;
  readonly readOnly?: boolean;
  /** Paths mounted as a fresh tmpfs (an in-memory emptyDir such as /tmp). */
  readonly tmpfs?: readonly string[];
  readonly probe: KnativeProbe;
  readonly successThreshold?: number;
  readonly containerConcurrency: number;
  readonly request?: {
    readonly method?: string;
    readonly path?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
  };
}

/** How to run. */
export interface KnativeRunOptions {
  /** Requests that arrive together at zero. @default 1 */
  readonly requests?: number;
  readonly timeoutMs?: number;
  /** The podman store the images are in. */
  readonly store?: PodmanStore;
  /** Poll period of the harness's own TCP watch that times "listening". @default 5 */
  readonly listenPollMs?: number;
  /**
   * How long the queue-proxy's prober goes on after the first response (and at least until the
   * last one), so what a function does after it (thaw loads its deferred tracing then) meets
   * the probes too. @default 1000
   */
  readonly probeAfterResponseMs?: number;
}

/** One request's path, in ms from its arrival at the activator. */
export interface PathRequest {
  readonly status: number | undefined;
  /** The response body, when it is short (≤ 200 bytes). */
  readonly body?: string;
  readonly latencyMs: number | undefined;
  readonly heldMs: number | undefined;
  readonly upstreamMs: number | undefined;
  readonly error?: string;
}

/** Times in ms from the first request's arrival at the activator. */
export interface KnativeRunRecord {
  readonly variant: string;
  readonly ok: boolean;
  readonly failure?: string;
  /** The last bytes the container wrote to stderr. */
  readonly stderrTail?: string;
  /** The port the container listened on (host network). */
  readonly port: number;
  /** The first request's arrival (the origin of every time here), epoch ms. */
  readonly originEpochMs: number;
  readonly probing: string;
  readonly askedToStartMs: number;
  /** The runtime's own StartedAt. */
  readonly containerStartedMs?: number;
  readonly listeningMs?: number;
  /** The process's own ready moment, from thaw's startup report (absent for other images). */
  readonly processReadyMs?: number;
  /** When the prober saw readiness (met successThreshold). */
  readonly probedReadyMs?: number;
  readonly firstResponseMs?: number;
  /** First response − StartedAt: the image's and the function's share. */
  readonly appShareMs?: number;
  readonly breakdown?: {
    readonly containerStartMs: number;
    readonly processToListeningMs: number;
    readonly listeningToReadyMs: number;
    /**
     * Ready → the probe seeing it. Known when the process reports its ready moment (thaw's
     * startup report) or is probed over TCP (ready = listening); else folded into listeningToReady.
     */
    readonly probeLagMs: number | undefined;
    readonly upstreamMs: number;
    readonly proxyOverheadMs: number;
  };
  readonly probesToReady?: ProbeCounts;
  /** Probes from ready to the first response. */
  readonly probesAfterReady?: ProbeCounts;
  /**
   * Probes from the first response on, for `probeAfterResponseMs` (and at least until the last
   * response), with when each timeout started.
   */
  readonly probesAfterResponse?: AfterReadyProbes['afterResponse'];
  readonly requests: readonly PathRequest[];
  readonly rssBytes?: number;
  readonly cpuMs?: number;
  readonly oomKilled: boolean;
  readonly exitCode?: number;
  readonly startup?: StartupReport;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The probing every Knative-mode record states. */
export const knativeProbing = `knative: every ${knativeProbeDefaults.periodMs} ms, ${knativeProbeDefaults.timeoutMs} ms timeout, fresh connection per probe`;

/** The probing a Knative-mode run states, with its window after the first response. */
export const knativeProbingOf = (probeAfterResponseMs: number): string =>
  `${knativeProbing}, on for ${probeAfterResponseMs} ms after the first response`;

/** Finds thaw's one-line JSON startup report in a container's stdout. */
export function findStartupReport(stdout: string): StartupReport | undefined {
  for (const line of stdout.split('\n')) {
    if (!line.includes('"thaw.startup"')) continue;
    try {
      const parsed = JSON.parse(line) as { event?: unknown };
      if (parsed.event === 'thaw.startup') return parsed as StartupReport;
    } catch {
      // Not the report.
    }
  }
  return undefined;
}

async function watchListening(
  port: number,
  periodMs: number,
  stop: Promise<unknown>,
  clock: () => number,
): Promise<number | undefined> {
  const state = { stopped: false };
  void stop.then(() => (state.stopped = true));
  while (!state.stopped) {
    if (await canConnect(port, 100)) return clock();
    await new Promise((resolve) => setTimeout(resolve, periodMs));
  }
  return undefined;
}

/**
 * Runs one scale-from-zero of `variant` through the emulated activator and queue-proxy.
 *
 * @example
 * ```ts
 * const record = await runKnativeColdStart({ name: 'thaw', image: 'localhost/fn:1', env: {},
 *   cpus: 0.5, memoryBytes: 128 * 2 ** 20, probe: { httpGet: { path: '/readyz' } }, containerConcurrency: 0 });
 * console.log(record.firstResponseMs, record.breakdown);
 * ```
 */
export async function runKnativeColdStart(
  variant: ContainerVariant,
  options: KnativeRunOptions = {},
): Promise<KnativeRunRecord> {
  const run = new ScaleFromZeroRun(variant, options, await freePort());
  try {
    await run.openActivator();
    const requests = await run.sendRequests();
    await run.scaled();
    return await run.conclude(requests);
  } finally {
    await run.close();
  }
}

type QueueProxy = Awaited<ReturnType<typeof startQueueProxy>>;
type Activator = Awaited<ReturnType<typeof startActivator>>;

/**
 * One run's state, from the requests' arrival to the cleanup: the activator, the container the
 * scale from zero starts, its queue-proxy and the readiness watch, and the record being filled.
 */
class ScaleFromZeroRun {
  readonly #variant: ContainerVariant;
  readonly #podman: Podman;
  readonly #port: number;
  readonly #count: number;
  readonly #timeoutMs: number;
  readonly #listenPollMs: number;
  readonly #afterResponseMs: number;
  readonly #origin = performance.now();
  readonly #epochAtOrigin = performance.timeOrigin + this.#origin;
  readonly #record: Mutable<KnativeRunRecord>;
  readonly #stop: Promise<void>;
  #resolveStop: () => void = () => undefined;
  #activator: Activator | undefined;
  #container: Container | undefined;
  #queueProxy: QueueProxy | undefined;
  #watch: ReturnType<typeof watchAfterReady> | undefined;
  #scale: Promise<void> = Promise.resolve();
  /** Settles when the container has exited (or never started): one `podman wait` per run. */
  #exited: Promise<unknown> = new Promise(() => undefined);

  constructor(variant: ContainerVariant, options: KnativeRunOptions, port: number) {
    this.#variant = variant;
    this.#podman = new Podman(options.store);
    this.#port = port;
    this.#count = options.requests ?? 1;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#listenPollMs = options.listenPollMs ?? 5;
    this.#afterResponseMs = options.probeAfterResponseMs ?? 1000;
    this.#record = {
      variant: variant.name,
      ok: false,
      port,
      originEpochMs: this.#epochAtOrigin,
      probing: knativeProbingOf(this.#afterResponseMs),
      askedToStartMs: 0,
      requests: [],
      oomKilled: false,
    };
    this.#stop = new Promise<void>((resolve) => {
      this.#resolveStop = resolve;
    });
  }

  readonly #clock = (): number => performance.now() - this.#origin;

  /** The activator holds the requests; its first one asks for a pod. */
  async openActivator(): Promise<void> {
    this.#activator = await startActivator({
      containerConcurrency: this.#variant.containerConcurrency,
      requestTimeoutMs: this.#timeoutMs,
      onScaleFromZero: () => {
        this.#scale = this.#scaleFromZero().catch((error: unknown) => {
          this.#activator?.fail(`scale from zero failed: ${(error as Error).message}`);
          this.#record.failure = (error as Error).message;
        });
      },
    });
  }

  /** Resolves once the scale from zero has succeeded or failed. */
  scaled(): Promise<void> {
    return this.#scale;
  }

  async #scaleFromZero(): Promise<void> {
    this.#record.askedToStartMs = this.#clock();
    const started = this.#startContainer();
    this.#exited = started.then(
      (c) => c.wait().catch(() => undefined),
      () => undefined,
    );
    const listening = watchListening(this.#port, this.#listenPollMs, this.#stop, this.#clock);
    // Knative's queue-proxy runs beside the container and starts probing at once.
    this.#queueProxy = await startQueueProxy({
      upstreamPort: this.#port,
      containerConcurrency: this.#variant.containerConcurrency,
      requestTimeoutMs: this.#timeoutMs,
    });
    const tally = await this.#probe();
    this.#container = await started;
    this.#record.probesToReady = {
      attempts: tally.attempts,
      failures: tally.failures,
      timeouts: tally.timeouts,
    };
    if (tally.readyAtMs === undefined) throw await this.#notReadyError(this.#container);
    const listenedAt = await listening;
    if (listenedAt !== undefined) this.#record.listeningMs = listenedAt;
    this.#record.probedReadyMs = tally.readyAtMs;
    this.#watch = watchAfterReady({
      port: this.#port,
      probe: this.#variant.probe,
      windowMs: this.#afterResponseMs,
      clock: this.#clock,
    });
    this.#activator?.activate(this.#queueProxy.port);
  }

  #startContainer(): Promise<Container> {
    const variant = this.#variant;
    return this.#podman.run({
      image: variant.image,
      env: { ...variant.env, PORT: String(this.#port) },
      ...(variant.cpus === undefined ? {} : { cpus: variant.cpus }),
      ...(variant.memoryBytes === undefined ? {} : { memoryBytes: variant.memoryBytes }),
      readOnly: variant.readOnly ?? true,
      ...(variant.tmpfs === undefined ? {} : { tmpfs: variant.tmpfs }),
    });
  }

  #probe(): Promise<ProbeTally> {
    return probeUntilReady(
      {
        port: this.#port,
        probe: this.#variant.probe,
        successThreshold: this.#variant.successThreshold ?? 1,
        pollTimeoutMs: this.#timeoutMs,
        clock: this.#clock,
      },
      // Probing ends early when the container exits (a crash, an OOM kill) or never starts.
      Promise.race([this.#stop, this.#exited]),
    );
  }

  async #notReadyError(container: Container): Promise<Error> {
    const state = await container.inspect();
    return new Error(
      state.running
        ? `the container was not ready within ${this.#timeoutMs} ms`
        : `the container exited with code ${state.exitCode}${state.oomKilled ? ' (OOMKilled)' : ''} before it was ready`,
    );
  }

  /** The N requests, sent together to the activator. */
  sendRequests(): Promise<PathRequest[]> {
    return Promise.all(Array.from({ length: this.#count }, () => this.#sendOne()));
  }

  async #sendOne(): Promise<PathRequest> {
    const { method = 'GET', path = '/', headers = {}, body } = this.#variant.request ?? {};
    const sent = this.#clock();
    try {
      const response = await exchange({
        port: this.#activator?.port ?? 0,
        method,
        path,
        headers,
        ...(body === undefined ? {} : { body }),
        timeoutMs: this.#timeoutMs,
      });
      if (response.status < 400) this.#watch?.responded();
      const header = (name: string): number | undefined => {
        const value = response.headers[name];
        return typeof value === 'string' ? Number(value) : undefined;
      };
      return {
        status: response.status,
        ...(response.body.length <= 200 ? { body: response.body.toString('utf8') } : {}),
        latencyMs: this.#clock() - sent,
        heldMs: header('x-thaw-held-ms'),
        upstreamMs: header('x-thaw-upstream-ms'),
      };
    } catch (error) {
      return {
        status: undefined,
        latencyMs: undefined,
        heldMs: undefined,
        upstreamMs: undefined,
        error: (error as Error).message,
      };
    }
  }

  /** Fills the record from the answers and the container's state, logs and startup report. */
  async conclude(requests: PathRequest[]): Promise<KnativeRunRecord> {
    const record = this.#record;
    const count = this.#count;
    record.requests = requests;
    const okLatencies = requests
      .filter((r) => r.status !== undefined && r.status < 400)
      .map((r) => r.latencyMs ?? 0);
    if (okLatencies.length > 0) record.firstResponseMs = Math.min(...okLatencies);
    if (this.#container !== undefined)
      await finish(this.#container, record, this.#epochAtOrigin, this.#watch, this.#exited);
    record.ok = record.failure === undefined && okLatencies.length === count && !record.oomKilled;
    if (record.failure === undefined && !record.ok) {
      record.failure = record.oomKilled
        ? 'the container was killed for exceeding its memory limit (OOMKilled)'
        : `${count - okLatencies.length} of ${count} requests failed`;
    }
    computeBreakdown(record, this.#variant.probe);
    return record;
  }

  /** Whatever happened: the container stopped and removed, the proxies closed, the port freed. */
  async close(): Promise<void> {
    this.#resolveStop();
    await this.#watch?.finish(this.#stop);
    if (this.#container !== undefined) await this.#container.remove();
    await this.#activator?.close();
    await this.#queueProxy?.close();
    releasePort(this.#port);
  }
}

async function finish(
  container: Container,
  record: Mutable<KnativeRunRecord>,
  epochAtOrigin: number,
  watch: ReturnType<typeof watchAfterReady> | undefined,
  exited: Promise<unknown>,
): Promise<void> {
  // The probing goes on for its window after the first response, then ends before the harness's
  // own podman calls, whose CPU would otherwise compete with the container for the probes' 100 ms.
  // A container that exits meanwhile ends the window early.
  if (watch !== undefined) {
    const probes = await watch.finish(exited);
    record.probesAfterReady = probes.beforeResponse;
    record.probesAfterResponse = probes.afterResponse;
  }
  let state: ContainerState = await container.inspect();
  if (state.startedAtMs !== undefined) record.containerStartedMs = state.startedAtMs - epochAtOrigin;
  const usage = container.usage(state.pid);
  if (usage !== undefined) {
    record.rssBytes = usage.rssBytes;
    record.cpuMs = usage.cpuMs;
  }
  // thaw prints its startup report right after the first response.
  let report: StartupReport | undefined;
  for (let i = 0; i < 10 && state.running; i++) {
    report = findStartupReport((await container.logs()).stdout);
    if (report !== undefined) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (state.running) state = await container.stop(10);
  const logs = await container.logs();
  report ??= findStartupReport(logs.stdout);
  if (logs.stderr !== '') record.stderrTail = logs.stderr.slice(-4096);
  if (report !== undefined) {
    record.startup = report;
    const ready = report.milestones.readyMs;
    if (ready !== undefined) record.processReadyMs = report.timeOrigin + ready - epochAtOrigin;
  }
  record.oomKilled = state.oomKilled;
  record.exitCode = state.exitCode;
}

function computeBreakdown(record: Mutable<KnativeRunRecord>, probe: KnativeProbe): void {
  const { containerStartedMs: started, probedReadyMs: probed, firstResponseMs: first } = record;
  if (
    started === undefined ||
    record.listeningMs === undefined ||
    probed === undefined ||
    first === undefined
  )
    return;
  // A probe that connected before the harness's own 5 ms watch did saw the port open first.
  const listening = Math.min(record.listeningMs, probed);
  record.listeningMs = listening;
  record.appShareMs = first - started;
  // Ready as the process knows it (thaw's report); over TCP, ready is listening. An HTTP-probed
  // image without a report has no known ready moment: the probe's sighting stands for it.
  const known = record.processReadyMs ?? ('tcpSocket' in probe ? listening : undefined);
  const ready = known === undefined ? probed : Math.min(Math.max(known, listening), probed);
  const firstRequest = record.requests.find((r) => r.latencyMs === first);
  const upstream = firstRequest?.upstreamMs ?? 0;
  record.breakdown = {
    containerStartMs: started,
    processToListeningMs: listening - started,
    listeningToReadyMs: ready - listening,
    probeLagMs: known === undefined ? undefined : probed - ready,
    upstreamMs: upstream,
    proxyOverheadMs: first - probed - upstream,
  };
}
