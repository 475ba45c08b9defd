// The process lifecycle: the one place that owns what happens at ready, at shutdown and around
// each invocation, offered as verbs (whenReady, onShutdown, onFlush, wrapInvocations) so that
// optional parts of the runtime (pools, tracing, metrics, adapters) and applications take part
// without the core importing them. The state lives on globalThis under `lifecycleKey` (see
// process-keys.ts for why it is shared); nothing outside this file touches it. `lifecycle()`
// hands out a frozen snapshot, never the state itself.
import type { IncomingMessage } from 'node:http';
import { describeError, type Logger } from './logger.ts';
import { lifecycleKey } from './process-keys.ts';

/** Something to release on shutdown: a pool, a client, an initializer's resource. */
export interface Disposer {
  /** Shown in logs when the disposer is slow or fails. */
  readonly name: string;
  readonly dispose: () => Promise<void> | void;
}

/** What the core tells an invocation wrapper about one request. */
export interface InvocationInfo {
  /** `x-request-id`, `ce-id` or a generated id. */
  readonly invocationId: string;
  /** True for the first invocation of the process only. */
  readonly coldStart: boolean;
  /** `http` for plain requests, `pubsub` for CloudEvents. */
  readonly trigger: 'http' | 'pubsub';
  readonly method: string;
  /** Path and query of the request. */
  readonly target: string;
  /** Lower-cased request headers (for `traceparent`). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

/** How the invocation ended, as the wrapper sees it. */
export interface InvocationOutcome {
  readonly status: number;
  readonly error?: unknown;
}

/**
 * Runs one invocation inside whatever context the wrapper needs (a server span, for tracing).
 * `run` resolves with the outcome once the response is finished.
 */
export type InvocationWrapper = (
  info: InvocationInfo,
  run: () => Promise<InvocationOutcome>,
) => Promise<InvocationOutcome>;

/**
 * A route answered before the user handler (`/metrics`). Returns the full response. The server
 * always passes the request; it is optional so a route can be called directly.
 */
export type ExtraRoute = (
  request?: IncomingMessage,
) =>
  | { status: number; headers: Record<string, string>; body: string }
  | Promise<{ status: number; headers: Record<string, string>; body: string }>;

/**
 * A check ANDed into readiness once the core is ready (an adapter's user-defined readiness):
 * resolves true when ready. Bounded by the caller; a throw or false answers 503.
 */
export interface ReadinessCheck {
  readonly name: string;
  readonly check: (request: IncomingMessage) => boolean | Promise<boolean>;
}

/** Gauges of a resource, for the startup report and /metrics. */
export type StatsProvider = () => Readonly<Record<string, number>>;

/** A task {@link whenReady} runs once the process is ready. */
export interface ReadyTask {
  readonly name: string;
  readonly run: () => Promise<void> | void;
}

/**
 * What {@link lifecycle} shows: a frozen snapshot of the process lifecycle, for logs, tests and
 * diagnostics. Changing it changes nothing; use the verbs ({@link whenReady}, {@link onShutdown},
 * {@link onFlush}, {@link wrapInvocations}) to take part.
 */
export interface LifecycleView {
  /** When the process became ready, in ms since process start; `undefined` before. */
  readonly readyAt: number | undefined;
  /** When-ready tasks still waiting for ready (empty once ready: later ones run at once). */
  readonly afterReady: readonly ReadyTask[];
  /** Shutdown disposers in registration order (they run in reverse). */
  readonly disposers: readonly Disposer[];
  /** Flushers, in the order they run after the disposers. */
  readonly flushers: readonly Disposer[];
  /** Gauges of pools and other resources, keyed by name. */
  readonly stats: ReadonlyMap<string, StatsProvider>;
  /** Paths answered before the user handler (`/metrics`). */
  readonly routes: readonly string[];
  /** How many invocation wrappers are installed. */
  readonly invocationWrappers: number;
}

interface LifecycleState {
  readyAt: number | undefined;
  logger: Pick<Logger, 'error'>;
  readonly afterReady: ReadyTask[];
  readonly disposers: Disposer[];
  readonly flushers: Disposer[];
  /** Outermost first. */
  readonly wrappers: InvocationWrapper[];
  composed: InvocationWrapper | undefined;
  readonly routes: Map<string, ExtraRoute>;
  readonly readinessChecks: ReadinessCheck[];
  readonly readinessPaths: Set<string>;
  readonly stats: Map<string, StatsProvider>;
  /**
   * What a warm-up request does once the process is ready (the pools' top-ups). Optional: a state
   * made by an older copy of the runtime sharing this process has none yet.
   */
  warmupTasks?: ReadyTask[];
  tracingInstalled: boolean;
}

function state(): LifecycleState {
  const holder = globalThis as { [lifecycleKey]?: LifecycleState | undefined };
  holder[lifecycleKey] ??= freshState();
  return holder[lifecycleKey];
}

function freshState(): LifecycleState {
  return {
    readyAt: undefined,
    logger: console,
    afterReady: [],
    disposers: [],
    flushers: [],
    wrappers: [],
    composed: undefined,
    routes: new Map(),
    readinessChecks: [],
    readinessPaths: new Set(),
    stats: new Map(),
    warmupTasks: [],
    tracingInstalled: false,
  };
}

function without<T>(list: T[], item: T): () => void {
  return () => {
    const index = list.lastIndexOf(item);
    if (index !== -1) list.splice(index, 1);
  };
}

/**
 * Runs `run` once the process is ready (listening, critical initializers done), or at once when
 * it already is. Errors are logged, never thrown.
 *
 * @example
 * ```ts
 * whenReady('cache warm-up', () => cache.warm());
 * ```
 */
export function whenReady(name: string, run: () => Promise<void> | void): void {
  const s = state();
  if (s.readyAt === undefined) s.afterReady.push({ name, run });
  else void runReadyTask({ name, run }, s.logger);
}

/**
 * Releases a resource on shutdown, after in-flight requests finish: disposers run in reverse order
 * of registration, each bounded by `disposeTimeoutMs`. Returns a function that unregisters it.
 *
 * @example
 * ```ts
 * const cache = await connectCache();
 * onShutdown('cache', () => cache.quit());
 * ```
 */
export function onShutdown(name: string, dispose: () => Promise<void> | void): () => void {
  const disposer: Disposer = { name, dispose };
  state().disposers.push(disposer);
  return without(state().disposers, disposer);
}

/**
 * Flushes telemetry on shutdown, after every disposer, in registration order, each bounded by
 * `disposeTimeoutMs`. Returns a function that unregisters it.
 *
 * @example
 * ```ts
 * onFlush('log shipper', () => shipper.flush());
 * ```
 */
export function onFlush(name: string, flush: () => Promise<void> | void): () => void {
  const flusher: Disposer = { name, dispose: flush };
  state().flushers.push(flusher);
  return without(state().flushers, flusher);
}

/**
 * Runs every invocation inside `wrapper`. Wrappers compose in registration order, the first one
 * outermost; `{ outermost: true }` puts a wrapper around all others (tracing does, so its span
 * encloses every other wrapper). A wrapper that throws before running the invocation is bypassed
 * and logged. Returns a function that removes the wrapper.
 *
 * @example
 * ```ts
 * wrapInvocations(async (info, run) => {
 *   const outcome = await run();
 *   console.log(info.invocationId, outcome.status);
 *   return outcome;
 * });
 * ```
 */
export function wrapInvocations(
  wrapper: InvocationWrapper,
  options: { outermost?: boolean } = {},
): () => void {
  const s = state();
  if (options.outermost === true) s.wrappers.unshift(wrapper);
  else s.wrappers.push(wrapper);
  s.composed = compose(s.wrappers);
  const remove = without(s.wrappers, wrapper);
  return () => {
    remove();
    s.composed = compose(s.wrappers);
  };
}

function compose(wrappers: readonly InvocationWrapper[]): InvocationWrapper | undefined {
  if (wrappers.length <= 1) return wrappers[0];
  // Folded from the innermost out, once per change, so a request pays no array walk.
  return wrappers.reduceRight<InvocationWrapper>(
    (inner, outer) => (info, run) => outer(info, () => inner(info, run)),
    (_info, run) => run(),
  );
}

/**
 * The process lifecycle as a frozen snapshot (see {@link LifecycleView}).
 *
 * @example
 * ```ts
 * console.log(lifecycle().disposers.map((disposer) => disposer.name)); // ['pool main (pg)']
 * ```
 */
export function lifecycle(): LifecycleView {
  const s = state();
  return Object.freeze({
    readyAt: s.readyAt,
    afterReady: Object.freeze([...s.afterReady]),
    disposers: Object.freeze([...s.disposers]),
    flushers: Object.freeze([...s.flushers]),
    stats: new Map(s.stats),
    routes: Object.freeze([...s.routes.keys()]),
    invocationWrappers: s.wrappers.length,
  });
}

// ----- Used inside the package (pools, metrics, tracing, adapters, the core); not exported by index.ts.

/** Answers `path` with `route` before the user handler. */
export function addRoute(path: string, route: ExtraRoute): void {
  state().routes.set(path, route);
}

/** The extra route for an exact path, if any. */
export function routeFor(path: string): ExtraRoute | undefined {
  return state().routes.get(path);
}

/** ANDs a check into readiness. */
export function addReadinessCheck(check: ReadinessCheck): void {
  state().readinessChecks.push(check);
}

/** The readiness checks, as registered. */
export function readinessChecks(): readonly ReadinessCheck[] {
  return state().readinessChecks;
}

/** Answers one more path exactly as the readiness path is. */
export function addReadinessPath(path: string): void {
  state().readinessPaths.add(path);
}

/** Whether `path` is an extra readiness path. */
export function isReadinessPath(path: string): boolean {
  return state().readinessPaths.has(path);
}

/** Reports a resource's gauges under `name` (the startup report, /metrics, tracing). */
export function addStats(name: string, provider: StatsProvider): void {
  state().stats.set(name, provider);
}

/** Stops reporting `name`, if `provider` (when given) is still the one reporting it. */
export function removeStats(name: string, provider?: StatsProvider): void {
  const s = state();
  if (provider === undefined || s.stats.get(name) === provider) s.stats.delete(name);
}

/**
 * Runs `run` on each warm-up request that arrives once the process is ready (before ready, the
 * when-ready tasks do that work). Returns a function that unregisters it.
 */
export function addWarmupTask(name: string, run: () => Promise<void> | void): () => void {
  const task: ReadyTask = { name, run };
  const s = state();
  s.warmupTasks ??= [];
  s.warmupTasks.push(task);
  return without(s.warmupTasks, task);
}

/** A warm-up request arrived: runs the warm-up tasks when the process is ready; never throws. */
export function runWarmupTasks(): void {
  const s = state();
  if (s.readyAt === undefined) return;
  for (const task of s.warmupTasks ?? []) void runReadyTask(task, s.logger);
}

/** The live gauges map, read-only: tracing reads it when it builds spans. */
export function liveStats(): ReadonlyMap<string, StatsProvider> {
  return state().stats;
}

/** What the request path reads on every request: looked up once per server, read-only. */
export interface RequestHooks {
  readonly readinessPaths: ReadonlySet<string>;
  readonly readinessChecks: readonly ReadinessCheck[];
  readonly routes: ReadonlyMap<string, ExtraRoute>;
  /** The installed wrappers composed into one, `undefined` when there is none (the fast path). */
  readonly invocationWrapper: InvocationWrapper | undefined;
}

/** The request path's view of the lifecycle (live, read-only), kept by the pipeline. */
export function requestHooks(): RequestHooks {
  const s = state();
  return {
    readinessPaths: s.readinessPaths,
    readinessChecks: s.readinessChecks,
    routes: s.routes,
    get invocationWrapper() {
      return s.composed;
    },
  };
}

/** The installed wrappers composed into one, or `undefined` when there is none (the fast path). */
export function invocationWrapper(): InvocationWrapper | undefined {
  return state().composed;
}

/** Claims the process's one tracing installation; false when it is already taken. */
export function claimTracing(): boolean {
  const s = state();
  if (s.tracingInstalled) return false;
  s.tracingInstalled = true;
  return true;
}

/** Gives the tracing claim back (its installation failed before wiring anything). */
export function releaseTracing(): void {
  state().tracingInstalled = false;
}

/**
 * The ready transition, process-wide and once: records when, then runs the queued when-ready
 * tasks. A second server in the same process does not rerun them. Resolves once they settle.
 */
export function markProcessReady(at: number, logger: Pick<Logger, 'error'>): Promise<void> {
  const s = state();
  s.logger = logger;
  if (s.readyAt !== undefined) return Promise.resolve();
  s.readyAt = at;
  const tasks = s.afterReady.splice(0);
  return Promise.all(tasks.map((task) => runReadyTask(task, logger))).then(() => undefined);
}

function runReadyTask(task: ReadyTask, logger: Pick<Logger, 'error'>): Promise<void> {
  return Promise.resolve()
    .then(() => task.run())
    .catch((error: unknown) => {
      logger.error(`The after-ready task "${task.name}" failed: ${describeError(error)}`);
    });
}

/** Takes every disposer, newest first, leaving none: the shutdown runs each once. */
export function takeDisposers(): Disposer[] {
  return state().disposers.splice(0).reverse();
}

/** Takes every flusher, in registration order, leaving none. */
export function takeFlushers(): Disposer[] {
  return state().flushers.splice(0);
}

/** Forgets every registration (tests that share one process). */
export function resetLifecycleForTesting(): void {
  (globalThis as { [lifecycleKey]?: LifecycleState | undefined })[lifecycleKey] = freshState();
}

/**
 * Sets when the process became ready without running any task (`undefined`: not ready again),
 * keeping every registration: for tests of the before- and after-ready paths.
 */
export function setReadyAtForTesting(at: number | undefined): void {
  state().readyAt = at;
}
