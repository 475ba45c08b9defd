// Every process-wide key of @thaw/runtime, in one file (as pino's lib/symbols.js): nothing is put
// on globalThis under a key declared anywhere else. A `Symbol.for` key is shared by every copy of
// the runtime loaded in one process (a bundled function next to an unbundled dependency that
// imports @thaw/runtime too); each says why it must be shared. Keys that need not be shared are
// private `Symbol()`s.

/**
 * The lifecycle state: ready time, when-ready tasks, warm-up tasks, shutdown disposers, flushers,
 * invocation wrappers, extra routes, readiness checks, resource gauges and whether
 * tracing is installed. Shared: a pool or initializer created through one copy must be warmed,
 * reported and drained by the other copy's `serve()`, and tracing installed once per process.
 */
export const lifecycleKey: unique symbol = Symbol.for('thaw.runtime.lifecycle');

/** The invocation count /metrics reports. Shared: every copy's requests add to one total. */
export const invocationCountKey: unique symbol = Symbol.for('thaw.runtime.invocation-count');

/**
 * The request figures /metrics reports (duration histogram, invocations in flight) and whether
 * metrics are on. Shared: every copy's requests add to one histogram, served by either copy.
 */
export const requestMetricsKey: unique symbol = Symbol.for('thaw.runtime.request-metrics');

/** The initializer registry. Shared: `init()` from one copy must gate readiness of the other copy's `serve()`. */
export const initializersKey: unique symbol = Symbol.for('thaw.runtime.initializers');

/** The startup mark buffer. Shared: every copy writes one timeline of the process's start. */
export const startupMarksKey: unique symbol = Symbol.for('thaw.runtime.startup-marks');

/** The pool registry. Shared: the same pool name means the same pool, whichever copy asks. */
export const poolsKey: unique symbol = Symbol.for('thaw.runtime.pools');

/**
 * The brand on handlers made by `fromNodeListener()` and `cloudEvent()`. Shared: a handler made
 * with one copy is passed to the other copy's `serve()`.
 */
export const handlerKindKey: unique symbol = Symbol.for('thaw.runtime.handler-kind');

/**
 * The request scope that answers an initializer failure left uncaught in a node-listener route.
 * Shared, as the initializer registry is: the failure is raised by one copy's `init()` inside the
 * other copy's request.
 */
export const requestScopeKey: unique symbol = Symbol.for('thaw.runtime.request-scope');

/**
 * Whether `serve()` ran, for the exit-time warning about a handler that was never served. Shared:
 * the entry may call `serve()` of one copy while the warning is armed by the other.
 */
export const serveCheckKey: unique symbol = Symbol.for('thaw.runtime.serve-check');

/**
 * Node's own fetch classes once loaded, and whether the light ones are declared. Shared: the
 * light classes are declared once per process, and every copy must reach Node's classes.
 */
export const fetchClassesKey: unique symbol = Symbol.for('thaw.runtime.fetch-classes');

/**
 * The method through which a light Response gives the server its simple form (status, headers,
 * string/bytes/stream body). Shared: a handler builds its Response with the light class the first
 * copy declared, and the copy serving it writes it.
 */
export const simpleResponseKey: unique symbol = Symbol.for('thaw.runtime.simple-response');

/**
 * Not ours: the global under which `@opentelemetry/api` registers itself, read (never written)
 * to learn whether an application registered a tracer provider without importing the API.
 */
export const openTelemetryApiKey: unique symbol = Symbol.for('opentelemetry.js.api.1');

/**
 * Where tracing, once installed, offers the trace context of the current invocation to
 * `publish()` and CloudEvents replies. Shared: the tracing installed by one copy's `serve()` must
 * be seen by the other copy's `publish()`.
 */
export const traceContextKey: unique symbol = Symbol.for('thaw.runtime.trace-context');

/**
 * The memory guard's process-wide figures (the container's limit as read, requests refused under
 * memory pressure) that /metrics reports. Shared: every copy's refusals add to one count.
 */
export const memoryStateKey: unique symbol = Symbol.for('thaw.runtime.memory');

/**
 * The V8 sampling profile behind the module-load spans (`THAW_OTEL_MODULE_SPANS=1`), while it
 * runs and once stopped. Shared: the first copy of the runtime imported (or the
 * `@thaw/runtime/module-spans` preload) starts the one profiler of the process, and the copy
 * whose tracing replays the cold start stops it.
 */
export const moduleProfileKey: unique symbol = Symbol.for('thaw.runtime.module-profile');
