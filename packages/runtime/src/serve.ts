// serve(): the composition of one server. The pieces live in their own modules: options
// (options.ts), the node:http server (http-server.ts), the request path (request-pipeline.ts), the
// phases and their transitions (server-state.ts), the ready transition (ready-transition.ts), the
// drain sequence (shutdown.ts) and what triggers a shutdown (signals.ts).
import type { Server } from 'node:http';
import { answerClientError } from './client-error.ts';
import { loadCloudEventRunner, type CloudEventRunner } from './cloud-events/runner.ts';
import { ConnectionTracker } from './connection-tracker.ts';
import { ThawError } from './errors.ts';
import { classifyHandler, type Handler } from './handlers/kinds.ts';
import { loadWebSupport } from './handlers/web-loader.ts';
import { createHttpServer, listen } from './http-server.ts';
import { startInitializers } from './init-registry.ts';
import { readKnativeEnv, type KnativeEnv } from './knative.ts';
import { runWarmupTasks } from './lifecycle.ts';
import { describeError } from './logger.ts';
import { LazyMemoryGuard } from './memory/guard-loader.ts';
import { memoryLimitBytes } from './memory/memory-state.ts';
import { resolveServeOptions, type ResolvedServeOptions, type ServeOptions } from './options.ts';
import { ReadyGate } from './ready-gate.ts';
import { enterReady } from './ready-transition.ts';
import { guardInitRejections } from './request-scope.ts';
import { createRequestListener } from './request-pipeline.ts';
import { armServeCheck, markServed } from './serve-check.ts';
import { ServerState, type ServerAddress } from './server-state.ts';
import { wireShutdownTriggers } from './signals.ts';
import { recordMark, sinceStart } from './startup/marks.ts';
import { moduleProfileStarted, moduleSpansVariable, takeModuleProfile } from './startup/module-profile.ts';
import { reportFirstResponse } from './startup/report.ts';
import { installTracingModule, tracingWanted } from './tracing-loader.ts';

armServeCheck();

export type { ServerAddress } from './server-state.ts';

/**
 * What {@link serve} returns.
 *
 * @example
 * ```ts
 * const handle = serve(handler, { port: 0 });
 * await handle.ready;
 * console.log(handle.address?.port);
 * await handle.close();
 * ```
 */
export interface ServerHandle {
  /** Resolves once listening and every critical initializer is done; rejects if listening fails. */
  readonly ready: Promise<void>;
  /** Resolves once the port accepts connections (readiness may still be 503). */
  readonly listening: Promise<ServerAddress>;
  /** The bound address, once listening. */
  readonly address: ServerAddress | undefined;
  /** Runs the graceful shutdown without exiting the process; rejects when the drain times out. */
  close(): Promise<void>;
}

/**
 * Starts the function's HTTP server on `$PORT` with health, readiness, warm-up, initializers,
 * graceful shutdown and the startup report around the handler.
 *
 * @example
 * ```ts
 * import { serve } from '@thaw/runtime';
 * serve((request, ctx) => new Response(`Hello ${ctx.coldStart ? 'cold' : 'warm'} world`));
 * ```
 */
export function serve(handler: Handler, options?: ServeOptions): ServerHandle {
  recordMark('serve called', sinceStart());
  markServed();
  const classified = classifyHandler(handler);
  const opts = resolveServeOptions(options);
  const { logger } = opts;
  const knative = readKnativeEnv(opts.env);
  const cloudEvents = classified.kind === 'cloud-event' ? loadCloudEventRunner() : undefined;
  const server = createHttpServer(opts);
  const tracker = new ConnectionTracker(server, () => performance.now());
  const gate = new ReadyGate(opts.readyWaitTimeoutMs);
  const memory = memoryGuardFor(opts, tracker);
  let resolveReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    resolveReady = resolve;
  });
  const state = serverStateFor(opts, {
    server,
    tracker,
    gate,
    knative,
    handlerReady: cloudEvents === undefined,
    resolveReady,
  });
  if (cloudEvents !== undefined) followCloudEventRunner(cloudEvents, state);
  if (classified.kind === 'node-listener') guardInitRejections(logger.error.bind(logger));
  server.on(
    'request',
    createRequestListener({
      options: opts,
      handler: classified,
      tracker,
      knative,
      cloudEvents,
      state,
      gate,
      memory,
      onWarmup: () => {
        startInitializers('background');
        runWarmupTasks();
      },
      onFirstRequest: () => recordMark('first request', sinceStart()),
      onFirstResponse: () => {
        reportFirstResponse(opts.startupReport, knative);
      },
    }),
  );
  server.on('clientError', answerClientError);
  wireShutdownTriggers(state, opts);
  const listening = startListening(state, server, opts, knative);
  // Off the way to the port, before the first request: its Request and Response then never load
  // Node's fetch implementation. `ready` waits for it too, so code after it sees the light classes.
  const webLoaded = classified.kind === 'web' ? listening.then(loadWebSupport) : undefined;
  runMemoryGuard(memory, listening, state);
  return handleOf(state, listening, Promise.all([ready, webLoaded]), opts.drainTimeoutMs);
}

function memoryGuardFor(opts: ResolvedServeOptions, tracker: ConnectionTracker): LazyMemoryGuard {
  return new LazyMemoryGuard({
    limitBytes: () => opts.memoryLimitBytes ?? memoryLimitBytes(),
    ratio: opts.memoryShedRatio,
    logger: opts.logger,
    busy: () => tracker.inFlightCount > 0,
  });
}

// Sampling starts with the port (initializers allocate too) and ends with the server.
function runMemoryGuard(memory: LazyMemoryGuard, listening: Promise<unknown>, state: ServerState): void {
  listening.then(
    () => {
      memory.start();
    },
    () => undefined,
  );
  state.onClosed(() => {
    memory.stop();
  });
}

interface ServerParts {
  readonly server: Server;
  readonly tracker: ConnectionTracker;
  readonly gate: ReadyGate;
  readonly knative: KnativeEnv;
  /** False while a CloudEvents handler waits for the SDK: readiness waits for it. */
  readonly handlerReady: boolean;
  readonly resolveReady: () => void;
}

function serverStateFor(opts: ResolvedServeOptions, parts: ServerParts): ServerState {
  const { server, tracker, gate, knative, resolveReady } = parts;
  const { logger, startupReport, readyFile } = opts;
  return new ServerState({
    logger,
    gate,
    readyFile,
    handlerReady: parts.handlerReady,
    drain: {
      server,
      tracker,
      drainTimeoutMs: opts.drainTimeoutMs,
      shutdownDelayMs: opts.shutdownDelayMs,
      disposeTimeoutMs: opts.disposeTimeoutMs,
      logger,
      now: () => performance.now(),
    },
    onReady: (view) => {
      enterReady({ logger, knative, gate, resolveReady, startupReport, readyFile }, view);
    },
    stopListening: () => server.close(),
  });
}

function handleOf(
  state: ServerState,
  listening: Promise<ServerAddress>,
  ready: Promise<unknown>,
  drainTimeoutMs: number,
): ServerHandle {
  return {
    ready: Promise.all([listening, ready]).then(() => undefined),
    listening,
    get address() {
      return state.address;
    },
    async close() {
      const result = await state.shutdown('close()');
      if (result.exitCode !== 0) {
        throw new ThawError(
          'THAW_DRAIN_TIMEOUT',
          `The drain timed out after ${drainTimeoutMs} ms with ${result.stuck.length} request(s) still running.`,
        );
      }
    },
  };
}

// A missing cloudevents package keeps the process not ready with the install command, instead
// of answering 500 to every event.
function followCloudEventRunner(runner: Promise<CloudEventRunner>, state: ServerState): void {
  runner.then(
    () => {
      state.handlerLoaded();
    },
    (error: unknown) => {
      state.handlerFailed(describeError(error));
    },
  );
}

// starting → listening: tracing first (when wanted, so the first request is traced), then the port.
function startListening(
  state: ServerState,
  server: Server,
  opts: ResolvedServeOptions,
  knative: KnativeEnv,
): Promise<ServerAddress> {
  const listening = (async (): Promise<ServerAddress> => {
    if (tracingWanted(opts.tracing, opts.env)) {
      try {
        await installTracingModule({
          serviceName: opts.serviceName,
          ...(knative.revision === undefined ? {} : { serviceVersion: knative.revision }),
          env: opts.env,
        });
      } catch (error) {
        opts.logger.error(describeError(error));
      }
    } else if (moduleProfileStarted()) {
      // Nothing will ever replay the cold start: stop sampling now.
      takeModuleProfile();
      opts.logger.warn(
        `${moduleSpansVariable}=1 has no effect with tracing off; turn tracing on (THAW_OTEL=1) or unset it.`,
      );
    }
    const address = await listen(server, opts.port, opts.host);
    state.listened(address);
    return address;
  })();
  // `ready` carries a listen failure to the caller (or, unawaited, to the process as a crash);
  // `listening` must not raise the same failure a second time.
  listening.catch((error: unknown) => {
    opts.logger.error(describeError(error));
  });
  return listening;
}
