// The process-wide hooks through which optional parts of the runtime (pools, tracing) take part
// in the server's life without the core importing them. Kept on globalThis under a
// Symbol.for key so that two copies of @thaw/runtime in one process (bundled and unbundled)
// share one set of hooks.
import type { IncomingMessage } from 'node:http';

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

export interface LifecycleHooks {
  /** Called once, after the process is ready (critical inits done, listening). Errors are logged. */
  readonly afterReady: Array<{ readonly name: string; readonly run: () => Promise<void> | void }>;
  /** Run in reverse order of registration after in-flight requests finish. */
  readonly disposers: Disposer[];
  /** Run after the disposers (telemetry flush), each bounded. */
  readonly flushers: Disposer[];
  /** Stats of pools and other resources, keyed by name. */
  readonly stats: Map<string, StatsProvider>;
  /** Routes answered before the user handler, keyed by exact path. */
  readonly routes: Map<string, ExtraRoute>;
  /** Extra readiness checks, all of which must pass for readiness to answer 200. */
  readonly readinessChecks: ReadinessCheck[];
  /** More paths answered exactly as the readiness path is (an adapter's `/health/readiness`). */
  readonly readinessPaths: Set<string>;
  /** At most one; set by tracing. */
  invocationWrapper: InvocationWrapper | undefined;
  /** Whether the process has become ready (late registrants of afterReady run at once). */
  readyAt: number | undefined;
}

const key: unique symbol = Symbol.for('thaw.runtime.lifecycle');

/**
 * The process-wide lifecycle hooks, created on first use.
 *
 * @example
 * ```ts
 * lifecycle().disposers.push({ name: 'cache', dispose: () => cache.quit() });
 * ```
 */
export function lifecycle(): LifecycleHooks {
  const holder = globalThis as { [key]?: LifecycleHooks | undefined };
  let hooks = holder[key];
  if (hooks === undefined) {
    hooks = {
      afterReady: [],
      disposers: [],
      flushers: [],
      stats: new Map(),
      routes: new Map(),
      readinessChecks: [],
      readinessPaths: new Set(),
      invocationWrapper: undefined,
      readyAt: undefined,
    };
    holder[key] = hooks;
  }
  return hooks;
}
