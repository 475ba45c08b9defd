// What happens to each request, in order: tracking for the drain, health and readiness,
// warm-up, extra routes, the hold until ready, then the invocation of the user's handler (inside the invocation
// wrapper when tracing set one), with a 413 for oversized bodies and a logged 500 for failures.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { CloudEventRunner } from './cloud-events/runner.ts';
import type { ConnectionTracker, InFlightEntry } from './connection-tracker.ts';
import { createContext, type ContextFields, type InvocationContext } from './context.ts';
import type { ClassifiedHandler, CloudEventFunction, NodeListener } from './handlers/kinds.ts';
import { runNodeListener } from './handlers/node-listener.ts';
import { BodyTooLargeError, HttpError, ThawError } from './errors.ts';
import { declaresTooLarge } from './handlers/read-body.ts';
import { loadedWebSupport, loadWebSupport } from './handlers/web-loader.ts';
import { isWarmup, readinessWithChecks, writeJson } from './health.ts';
import type { KnativeEnv } from './knative.ts';
import {
  requestHooks,
  type ExtraRoute,
  type ReadinessCheck,
  type RequestHooks,
  type InvocationInfo,
  type InvocationOutcome,
  type InvocationWrapper,
} from './lifecycle.ts';
import type { MemoryGuardView } from './memory/guard-loader.ts';
import { countInvocation } from './metrics/invocation-count.ts';
import { observeDuration, observeInvocation, requestMetrics } from './metrics/request-metrics.ts';
import { describeError } from './logger.ts';
import type { ResolvedServeOptions } from './options.ts';
import { rawHeader } from './raw-headers.ts';
import { retryAfterSeconds, type ReadyGate } from './ready-gate.ts';
import { requestScopeNeeded, runInRequestScope } from './request-scope.ts';
import type { ServerStateView } from './server-state.ts';

/** What the pipeline needs from serve(). */
export interface PipelineDeps {
  readonly options: ResolvedServeOptions;
  readonly handler: ClassifiedHandler;
  readonly tracker: ConnectionTracker;
  readonly knative: KnativeEnv;
  /** Loaded only when the handler is a CloudEvents one. */
  readonly cloudEvents: Promise<CloudEventRunner> | undefined;
  /** The server's phase, readiness and drain signal. */
  readonly state: ServerStateView;
  /** Holds invocations that arrive before ready. */
  readonly gate: ReadyGate;
  /** Refuses new invocations while memory is near its limit. */
  readonly memory: MemoryGuardView;
  readonly onWarmup: () => void;
  readonly onFirstRequest: () => void;
  readonly onFirstResponse: () => void;
}

/** The `request` listener of the server. */
export function createRequestListener(deps: PipelineDeps): RequestListener {
  // Looked up once per server: live, read-only views of the lifecycle, not one lookup a request.
  const hooks = requestHooks();
  const start = invocationStarter(deps, hooks);
  const trigger = deps.handler.kind === 'cloud-event' ? 'cloudevent' : 'http';
  // Off unless installMetrics() ran; read live, so metrics installed after serve() count too.
  const metrics = requestMetrics();
  return (request, response) => {
    const entry = deps.tracker.begin(request, response);
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query === -1 ? url : url.slice(0, query);
    if (answeredBeforeHandler(path, request, response, deps, hooks, entry.startedAt)) return;
    // From here on the request is an invocation (refused, held before ready, or run at once).
    if (metrics.enabled) observeInvocation(metrics, response, entry.startedAt, trigger);
    const guard = deps.memory.current;
    if (guard !== undefined && guard.shedding) {
      guard.refuse(response);
      return;
    }
    if (!deps.gate.isOpen) {
      deps.gate.hold(response, () => {
        start(request, response, entry);
      });
      return;
    }
    start(request, response, entry);
  };
}

// Health, readiness, warm-up and the extra routes: answered before the gate, never invocations.
function answeredBeforeHandler(
  path: string,
  request: IncomingMessage,
  response: ServerResponse,
  deps: PipelineDeps,
  hooks: RequestHooks,
  startedAt: number,
): boolean {
  const { healthPath, readyPath, warmupPath } = deps.options;
  if (path === healthPath) {
    writeJson(response, 200, { status: 'ok' });
    return true;
  }
  if (path === readyPath || (hooks.readinessPaths.size > 0 && hooks.readinessPaths.has(path))) {
    answerReadiness(request, response, deps.state, deps.memory, hooks.readinessChecks);
    return true;
  }
  if (isWarmup(rawHeader(request, 'x-thaw-warmup'), path, warmupPath)) {
    deps.onWarmup();
    response.writeHead(204);
    response.end();
    const metrics = requestMetrics();
    if (metrics.enabled) observeDuration(metrics, 'warmup', '2xx', (performance.now() - startedAt) / 1000);
    return true;
  }
  if (hooks.routes.size === 0) return false;
  const route = hooks.routes.get(path);
  if (route === undefined) return false;
  void answerRoute(route, request, response, deps);
  return true;
}

function answerReadiness(
  request: IncomingMessage,
  response: ServerResponse,
  state: ServerStateView,
  memory: MemoryGuardView,
  checks: readonly ReadinessCheck[],
): void {
  const base = state.readiness();
  const guard = memory.current;
  // Ready but near the memory limit: 503, so the platform routes new work elsewhere.
  if (base.ready && guard !== undefined && guard.shedding) {
    writeJson(response, 503, { status: 'shedding', error: guard.reason });
    return;
  }
  if (checks.length === 0 || !base.ready) {
    writeJson(response, base.ready ? 200 : 503, base.report);
    return;
  }
  void readinessWithChecks(base, checks, request).then(({ ready, report }) => {
    writeJson(response, ready ? 200 : 503, report);
  });
}

type StartInvocation = (request: IncomingMessage, response: ServerResponse, entry: InFlightEntry) => void;

// One invocation's start: counted and its context made, then handed to runOnShortestPath.
function invocationStarter(deps: PipelineDeps, hooks: RequestHooks): StartInvocation {
  // One function for every web invocation's failure, not a closure per request.
  const failWeb = (response: ServerResponse, ctx: InvocationContext, error: unknown): void => {
    answerFailure(deps, response, ctx, error);
  };
  // The CloudEvents runner once loaded: a warm invocation takes it without awaiting its promise.
  let cloudEventRunner: CloudEventRunner | undefined;
  deps.cloudEvents?.then(
    (runner) => {
      cloudEventRunner = runner;
    },
    // serve() reports a runner that failed to load (readiness stays 503); nothing to add here.
    () => undefined,
  );
  // What every warm invocation's context is made from: the same for each (the drain signal is
  // the server's one signal), so made once.
  const warmFields: ContextFields = {
    coldStart: false,
    cloudEvent: deps.handler.kind === 'cloud-event',
    signal: deps.state.drainSignal,
    knative: deps.knative,
  };
  let invocations = 0;
  return (request, response, entry) => {
    invocations += 1;
    countInvocation();
    const coldStart = invocations === 1;
    if (coldStart) {
      deps.onFirstRequest();
      response.once('finish', deps.onFirstResponse);
    }
    const ctx = createContext(request, coldStart ? { ...warmFields, coldStart: true } : warmFields);
    entry.context = ctx;
    const wrapper = hooks.invocationWrapper;
    if (wrapper !== undefined) void invokeWrapped(deps, request, response, ctx, wrapper);
    else runOnShortestPath(deps, cloudEventRunner, failWeb, request, response, ctx);
  };
}

// An invocation no wrapper waits for, run on the shortest path its handler kind allows: nobody
// awaits its outcome, so where the kind's support is loaded no promise chain reports a status.
function runOnShortestPath(
  deps: PipelineDeps,
  cloudEventRunner: CloudEventRunner | undefined,
  failWeb: (response: ServerResponse, ctx: InvocationContext, error: unknown) => void,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
): void {
  const { handler } = deps;
  if (handler.kind === 'node-listener') {
    // The tracker sees the response close, so the listener runs as node:http would run it: no
    // promise, no listeners of thaw's own.
    if (requestScopeNeeded()) {
      runInRequestScope(response, ctx, () => {
        runListenerDirectly(deps, handler.fn, request, response, ctx);
      });
    } else runListenerDirectly(deps, handler.fn, request, response, ctx);
    return;
  }
  // Once the web support is loaded (right after the port is bound), the handler runs without
  // the promise chain that reports a status.
  const web = handler.kind === 'web' ? loadedWebSupport() : undefined;
  if (handler.kind === 'web' && web !== undefined) {
    if (!refusedTooLarge(deps, request, response, ctx)) {
      web.serveWebRequest(handler.fn, request, response, ctx, deps.options.maxBodyBytes, failWeb);
    }
    return;
  }
  if (handler.kind === 'cloud-event' && cloudEventRunner !== undefined) {
    if (!refusedTooLarge(deps, request, response, ctx)) {
      void runCloudEventDirectly(deps, cloudEventRunner, handler.fn, request, response, ctx);
    }
    return;
  }
  void runInvocation(deps, request, response, ctx);
}

/** Answers 413 when the request declares a body over `maxBodyBytes`; true when it did. */
function refusedTooLarge(
  deps: PipelineDeps,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
): boolean {
  if (!declaresTooLarge(request, deps.options.maxBodyBytes)) return false;
  answerFailure(deps, response, ctx, new BodyTooLargeError(deps.options.maxBodyBytes));
  return true;
}

function runListenerDirectly(
  deps: PipelineDeps,
  listener: NodeListener,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
): void {
  const fail = (error: unknown): void => {
    answerFailure(deps, response, ctx, error);
  };
  let returned: unknown;
  try {
    if (declaresTooLarge(request, deps.options.maxBodyBytes)) {
      throw new BodyTooLargeError(deps.options.maxBodyBytes);
    }
    returned = listener(request, response);
  } catch (error) {
    fail(error);
    return;
  }
  // Some frameworks return a promise whose rejection is the error.
  if (returned instanceof Promise) returned.then(undefined, fail);
}

/** A CloudEvents invocation nothing waits for: its failure is answered, never thrown. */
async function runCloudEventDirectly(
  deps: PipelineDeps,
  runner: CloudEventRunner,
  fn: CloudEventFunction<never>,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
): Promise<void> {
  try {
    await runner(fn, request, response, ctx, deps.options.maxBodyBytes);
  } catch (error) {
    answerFailure(deps, response, ctx, error);
  }
}

/** Runs the handler for one invocation; a failure is answered, never thrown. */
async function runInvocation(
  deps: PipelineDeps,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
): Promise<InvocationOutcome> {
  const { options, handler } = deps;
  try {
    if (declaresTooLarge(request, options.maxBodyBytes)) throw new BodyTooLargeError(options.maxBodyBytes);
    switch (handler.kind) {
      case 'web': {
        const web = loadedWebSupport() ?? (await loadWebSupport());
        return { status: await web.runWebHandler(handler.fn, request, response, ctx, options.maxBodyBytes) };
      }
      case 'node-listener':
        return {
          status: await (requestScopeNeeded()
            ? runInRequestScope(response, ctx, () => runNodeListener(handler.fn, request, response))
            : runNodeListener(handler.fn, request, response)),
        };
      case 'cloud-event': {
        const runner = await (deps.cloudEvents as Promise<CloudEventRunner>);
        return { status: await runner(handler.fn, request, response, ctx, options.maxBodyBytes) };
      }
    }
  } catch (error) {
    return answerFailure(deps, response, ctx, error);
  }
}

/** Runs one invocation inside the installed wrapper (tracing's span); a failing wrapper is bypassed. */
async function invokeWrapped(
  deps: PipelineDeps,
  request: IncomingMessage,
  response: ServerResponse,
  ctx: InvocationContext,
  wrapper: InvocationWrapper,
): Promise<void> {
  const info: InvocationInfo = {
    invocationId: ctx.invocationId,
    coldStart: ctx.coldStart,
    trigger: deps.handler.kind === 'cloud-event' ? 'pubsub' : 'http',
    method: request.method ?? 'GET',
    target: request.url ?? '/',
    headers: request.headers,
  };
  const progress = { started: false };
  try {
    await wrapper(info, () => {
      progress.started = true;
      return runInvocation(deps, request, response, ctx);
    });
  } catch (error) {
    // Telemetry never costs a request: a wrapper that fails before running it is bypassed.
    deps.options.logger.warn(`The invocation wrapper failed: ${describeError(error)}`, {
      invocationId: ctx.invocationId,
    });
    if (!progress.started) await runInvocation(deps, request, response, ctx);
  }
}

function answerFailure(
  deps: PipelineDeps,
  response: ServerResponse,
  ctx: InvocationContext,
  error: unknown,
): InvocationOutcome {
  const { invocationId } = ctx;
  if (error instanceof BodyTooLargeError) {
    if (!response.headersSent) {
      // The rest of the body is never read, so the connection cannot carry another request.
      response.setHeader('connection', 'close');
      writeJson(response, 413, { error: error.code, message: error.message, invocationId });
    }
    return { status: 413, error };
  }
  if (error instanceof ThawError && error.code === 'THAW_INIT_FAILED') {
    // A dependency the function needs is not there yet: the client may retry, the process is fine.
    deps.options.logger.error(`Invocation ${invocationId} failed: ${describeError(error)}`, { invocationId });
    if (response.headersSent) response.destroy();
    else {
      response.setHeader('retry-after', String(retryAfterSeconds));
      writeJson(response, 503, { error: error.code, message: error.message, invocationId });
    }
    return { status: 503, error };
  }
  if (error instanceof HttpError) {
    if (error.status >= 500) {
      deps.options.logger.error(
        `The handler answered ${error.status} for invocation ${invocationId}: ${describeError(error)}`,
        {
          invocationId,
        },
      );
    }
    if (response.headersSent) response.destroy();
    else writeJson(response, error.status, { error: error.code, message: error.message, invocationId });
    return { status: error.status, error };
  }
  deps.options.logger.error(`The handler failed for invocation ${invocationId}: ${describeError(error)}`, {
    invocationId,
    stack: error instanceof Error ? error.stack : undefined,
  });
  if (response.headersSent) response.destroy();
  else writeJson(response, 500, { error: 'Internal Server Error', invocationId });
  return { status: 500, error };
}

async function answerRoute(
  route: ExtraRoute,
  request: IncomingMessage,
  response: ServerResponse,
  deps: PipelineDeps,
): Promise<void> {
  try {
    const answer = await route(request);
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  } catch (error) {
    deps.options.logger.error(`A built-in route failed: ${describeError(error)}`);
    if (!response.headersSent) writeJson(response, 500, { error: 'Internal Server Error' });
    else response.destroy();
  }
}
