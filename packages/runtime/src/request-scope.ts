// A Node listener written for Express 4 often leaves an initializer's promise uncaught
// (`db().then(...)` in a route): when the initializer fails, Node's default for an unhandled
// rejection ends the process and every client on it gets a reset. The runtime runs each
// node-listener invocation in a request scope; an initializer failure raised inside one is
// remembered with its response, and a guard answers that request 503 (Retry-After) instead of
// letting the rejection crash the process. Any other unhandled rejection keeps Node's default.
import type { ServerResponse } from 'node:http';
import { initRegistry } from './init-registry.ts';
import { retryAfterSeconds } from './ready-gate.ts';
import { requestScopeKey } from './process-keys.ts';

import type { AsyncLocalStorage } from 'node:async_hooks';

interface Scope {
  readonly response: ServerResponse;
  /** The invocation's context: its id is drawn only if a failure has to name it. */
  readonly context: { readonly invocationId: string };
}

/** What the guard reports an answered rejection to. */
export type RejectionReporter = (message: string, fields: Readonly<Record<string, unknown>>) => void;

interface ScopeState {
  readonly storage: AsyncLocalStorage<Scope>;
  /** Initializer failures raised inside a scope, until they are handled or answered. */
  readonly failures: WeakMap<object, Scope>;
  report: RejectionReporter | undefined;
}

function state(): ScopeState {
  const holder = globalThis as { [requestScopeKey]?: ScopeState | undefined };
  holder[requestScopeKey] ??= {
    // Taken on first use: reading AsyncLocalStorage off node:async_hooks loads its implementation,
    // which importing the runtime (and a web handler) never needs.
    storage: new (process.getBuiltinModule('node:async_hooks').AsyncLocalStorage)<Scope>(),
    failures: new WeakMap(),
    report: undefined,
  };
  return holder[requestScopeKey];
}

/**
 * Runs a node-listener invocation inside its request scope.
 *
 * @example
 * ```ts
 * runInRequestScope(response, ctx, () => listener(request, response));
 * ```
 */
export function runInRequestScope<T>(
  response: ServerResponse,
  context: { readonly invocationId: string },
  run: () => T,
): T {
  return state().storage.run({ response, context }, run);
}

/**
 * Whether an invocation needs its scope: only when the guard is installed and the function has
 * initializers that could fail inside it. Without both, a scope would catch nothing, and on
 * Node 22 entering an AsyncLocalStorage turns on async hooks for every promise in the process.
 * (An initializer declared while a request runs is only guarded in later requests.)
 *
 * @example
 * ```ts
 * if (requestScopeNeeded()) runInRequestScope(response, ctx, run); else run();
 * ```
 */
export function requestScopeNeeded(): boolean {
  return state().report !== undefined && initRegistry().initializers.size > 0;
}

/**
 * Remembers an initializer failure with the request it was raised in, if any, so that the guard
 * can answer that request should the rejection go unhandled.
 *
 * @example
 * ```ts
 * const error = new ThawError('THAW_INIT_FAILED', '…');
 * noteInitFailure(error);
 * throw error;
 * ```
 */
export function noteInitFailure(error: object): void {
  const scoped = state();
  const scope = scoped.storage.getStore();
  if (scope !== undefined && scoped.report !== undefined) scoped.failures.set(error, scope);
}

/**
 * Installs the process-wide guard (once). An unhandled rejection that is a remembered initializer
 * failure is answered 503 and reported; any other is raised as Node would raise it, unless the
 * application has its own `unhandledRejection` listener or chose another `--unhandled-rejections`
 * mode, which are left to decide.
 *
 * @example
 * ```ts
 * guardInitRejections((message, fields) => logger.error(message, fields));
 * ```
 */
export function guardInitRejections(report: RejectionReporter): void {
  const scoped = state();
  const installed = scoped.report !== undefined;
  scoped.report = report;
  if (installed || !defaultRejectionMode()) return;
  const onRejection = (reason: unknown): void => {
    const scope = typeof reason === 'object' && reason !== null ? scoped.failures.get(reason) : undefined;
    if (scope === undefined) {
      // Node's own behaviour, which a listener replaces: the rejection becomes an uncaught exception.
      if (process.listenerCount('unhandledRejection') === 1) throw reason;
      return;
    }
    scoped.failures.delete(reason as object);
    answer(scope, reason, scoped.report);
  };
  process.on('unhandledRejection', onRejection);
}

function answer(scope: Scope, reason: unknown, report: RejectionReporter | undefined): void {
  const { response } = scope;
  const { invocationId } = scope.context;
  const message = reason instanceof Error ? reason.message : String(reason);
  report?.(
    `The handler of invocation ${invocationId} left a failed initializer's promise unhandled; answered 503. ${message}`,
    { invocationId },
  );
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify({ error: 'THAW_INIT_FAILED', message, invocationId });
  response.writeHead(503, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'retry-after': String(retryAfterSeconds),
  });
  response.end(text);
}

// `--unhandled-rejections=warn` (or none, or strict) is the application's choice; the guard only
// stands in for the default (throw).
function defaultRejectionMode(): boolean {
  const flags = [...process.execArgv, ...(process.env['NODE_OPTIONS'] ?? '').split(/\s+/)];
  const mode = flags.find((flag) => flag.startsWith('--unhandled-rejections='));
  return mode === undefined || mode === '--unhandled-rejections=throw';
}
