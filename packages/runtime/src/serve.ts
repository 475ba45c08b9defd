// The server's life: validate, listen at once (readiness answers from the first instant), run
// critical initializers in parallel, flip to ready, then background work; drain on SIGTERM.
import type { AddressInfo } from 'node:net';
import { answerClientError } from './client-error.ts';
import { loadCloudEventRunner } from './cloud-events/runner.ts';
import { ConnectionTracker } from './connection-tracker.ts';
import { ThawError } from './errors.ts';
import { classifyHandler, type Handler } from './handlers/kinds.ts';
import type { HandlerRequirement, ServerPhase } from './health.ts';
import { criticalInitsReady, initRegistry, onInitializerChange, startInitializers } from './init-registry.ts';
import { readKnativeEnv } from './knative.ts';
import { markProcessReady } from './lifecycle.ts';
import { describeError } from './logger.ts';
import { MemoryGuard } from './memory/memory-guard.ts';
import { memoryLimitBytes } from './memory/memory-state.ts';
import { resolveServeOptions, type ServeOptions } from './options.ts';
import { removeReadyFile, writeReadyFile } from './ready-file.ts';
import { ReadyGate } from './ready-gate.ts';
import { guardInitRejections } from './request-scope.ts';
import { createRequestListener } from './request-pipeline.ts';
import { createShutdown } from './shutdown.ts';
import { recordMark, sinceStart } from './startup/marks.ts';
import { buildStartupReport, hasParent, printStartupReport, sendToParent } from './startup/report.ts';
import { armServeCheck, markServed } from './serve-check.ts';
import { installTracingModule, tracingWanted } from './tracing-loader.ts';
import { installLightFetchClasses } from './web/install.ts';

// Not `import … from 'node:http'`: an ES import of a builtin builds a namespace of all its
// exports, which runs node:http's lazy WebSocket/CloseEvent/MessageEvent getters and so loads
// Node's whole fetch implementation (some 20 ms of CPU at startup); the CommonJS object does not.
const { createServer } = process.getBuiltinModule('node:http');

armServeCheck();

/**
 * Where the server listens.
 *
 * @example
 * ```ts
 * const { port } = await serve(handler, { port: 0 }).listening;
 * ```
 */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
}

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
  // Before the first request: its Request and Response then never load Node's fetch implementation.
  if (classified.kind === 'web') installLightFetchClasses();
  const opts = resolveServeOptions(options);
  const { logger } = opts;
  const knative = readKnativeEnv(opts.env);
  const registry = initRegistry();
  registry.logger = logger;
  const cloudEvents = classified.kind === 'cloud-event' ? loadCloudEventRunner() : undefined;
  // A CloudEvents handler cannot run without the SDK: readiness waits for it, and a missing
  // package keeps the process not ready with the install command, instead of 500 on every event.
  let handlerRequirement: HandlerRequirement = { ready: cloudEvents === undefined };
  cloudEvents?.then(
    () => {
      handlerRequirement = { ready: true };
      becomeReady();
    },
    (error: unknown) => {
      const message = describeError(error);
      handlerRequirement = { ready: false, error: message };
      logger.error(message);
      // The package will not appear while the process runs: answer waiting and later events at
      // once with the fix instead of holding each for readyWaitTimeoutMs.
      gate.refuseAll(message);
    },
  );

  let phase: ServerPhase = 'starting';
  const currentPhase = (): ServerPhase => phase;
  let listening = false;
  let address: ServerAddress | undefined;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const drain = new AbortController();
  const server = createServer({
    headersTimeout: opts.headersTimeoutMs,
    requestTimeout: opts.requestTimeoutMs,
    connectionsCheckingInterval: checkingIntervalMs(opts.headersTimeoutMs, opts.requestTimeoutMs),
  });
  server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  const tracker = new ConnectionTracker(server, () => performance.now());
  const gate = new ReadyGate(opts.readyWaitTimeoutMs);
  const memory = new MemoryGuard({
    limitBytes: () => opts.memoryLimitBytes ?? memoryLimitBytes(),
    ratio: opts.memoryShedRatio,
    logger,
    busy: () => tracker.inFlightCount > 0,
  });
  if (classified.kind === 'node-listener') {
    guardInitRejections((message, fields) => {
      logger.error(message, fields);
    });
  }

  const reportAtFirstResponse = (): void => {
    recordMark('first response', sinceStart());
    if (opts.startupReport !== 'first-response' && !hasParent()) return;
    const report = buildStartupReport(knative);
    if (opts.startupReport === 'first-response') printStartupReport(report);
    sendToParent({ type: 'thaw:startup', report });
  };
  server.on(
    'request',
    createRequestListener({
      options: opts,
      handler: classified,
      tracker,
      knative,
      drainSignal: drain.signal,
      cloudEvents,
      phase: currentPhase,
      gate,
      memory,
      listening: () => listening,
      handlerRequirement: () => handlerRequirement,
      onWarmup: () => {
        startInitializers('background');
      },
      onFirstRequest: () => recordMark('first request', sinceStart()),
      onFirstResponse: reportAtFirstResponse,
    }),
  );
  server.on('clientError', answerClientError);

  const becomeReady = (): void => {
    if (phase !== 'starting' || !listening || !handlerRequirement.ready || !criticalInitsReady()) return;
    phase = 'ready';
    const at = sinceStart();
    recordMark('ready', at);
    // Process-wide and once: a second server in the same process does not rerun the tasks.
    void markProcessReady(at, logger);
    startInitializers('background');
    // Built only when someone reads it: the ready transition is on the cold-start path.
    const wanted = hasParent() || opts.startupReport === 'ready' || opts.readyFile !== undefined;
    const report = wanted ? buildStartupReport(knative) : undefined;
    if (report !== undefined) sendToParent({ type: 'thaw:ready', report });
    if (report !== undefined && opts.startupReport === 'ready') printStartupReport(report);
    if (report !== undefined && opts.readyFile !== undefined) {
      const readyFile = opts.readyFile;
      writeReadyFile(readyFile, `${JSON.stringify(report)}\n`)
        .then(() => {
          // A SIGTERM during the write must not leave a ready file behind.
          if (phase === 'draining') removeReadyFile(readyFile);
        })
        .catch((error: unknown) => {
          logger.error(`Could not write the ready file: ${describeError(error)}`, {
            readyFile: opts.readyFile,
          });
        });
    }
    gate.open();
    markReady();
  };
  const unsubscribe = onInitializerChange(becomeReady);

  const shutdown = createShutdown({
    server,
    tracker,
    drainTimeoutMs: opts.drainTimeoutMs,
    shutdownDelayMs: opts.shutdownDelayMs,
    disposeTimeoutMs: opts.disposeTimeoutMs,
    logger,
    now: () => performance.now(),
    onDrainStart: () => {
      phase = 'draining';
      unsubscribe();
      memory.stop();
      drain.abort(new ThawError('THAW_SHUTTING_DOWN', 'The process is shutting down.'));
      registry.abort.abort();
      gate.refuseAll(
        'The function is shutting down before it became ready. Retry: another instance will answer.',
      );
      if (opts.readyFile !== undefined) {
        try {
          removeReadyFile(opts.readyFile);
        } catch (error) {
          logger.warn(`Could not remove the ready file: ${describeError(error)}`);
        }
      }
    },
  });
  const onSignal = (signal: NodeJS.Signals): void => {
    if (shutdown.started) {
      logger.error(`Second ${signal}: exiting now with code 1. Still running: ${shutdown.describeStuck()}.`);
      opts.exit(1);
      return;
    }
    void shutdown.run(signal).then((result) => {
      removeSignalHandlers();
      opts.exit(result.exitCode);
    });
  };
  const removeSignalHandlers = (): void => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  };
  if (opts.handleSignals) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  registry.onExhausted = (name) => {
    logger.error(`Critical initializer "${name}" used up its maxAttempts; shutting down with exit code 1.`);
    void shutdown.run(`initializer "${name}" failed`).then(() => {
      removeSignalHandlers();
      opts.exit(1);
    });
  };

  const listeningPromise = (async (): Promise<ServerAddress> => {
    if (tracingWanted(opts.tracing, opts.env)) {
      try {
        await installTracingModule({
          serviceName: opts.serviceName,
          ...(knative.revision === undefined ? {} : { serviceVersion: knative.revision }),
          env: opts.env,
        });
      } catch (error) {
        logger.error(describeError(error));
      }
    }
    await listen(server, opts.port, opts.host);
    // close() may have run while tracing loaded or the port was being bound.
    if (currentPhase() === 'draining') server.close();
    const bound = server.address() as AddressInfo;
    address = { host: bound.address, port: bound.port };
    listening = true;
    const listenedAt = sinceStart();
    recordMark('listening', listenedAt, listenedAt, { port: bound.port });
    logger.info(`Listening on ${bound.address}:${bound.port}.`, { host: bound.address, port: bound.port });
    startInitializers('critical');
    memory.start();
    becomeReady();
    return address;
  })();
  // `ready` carries a listen failure to the caller (or, unawaited, to the process as a crash);
  // `listening` must not raise the same failure a second time.
  listeningPromise.catch((error: unknown) => {
    logger.error(describeError(error));
  });

  return {
    ready: Promise.all([listeningPromise, ready]).then(() => undefined),
    listening: listeningPromise,
    get address() {
      return address;
    },
    async close() {
      const result = await shutdown.run('close()');
      removeSignalHandlers();
      if (result.exitCode !== 0) {
        throw new ThawError(
          'THAW_DRAIN_TIMEOUT',
          `The drain timed out after ${opts.drainTimeoutMs} ms with ${result.stuck.length} request(s) still running.`,
        );
      }
    },
  };
}

// Node checks the header and request timeouts on an interval (30 s by default), so a limit fires
// up to one interval late; a quarter of the shorter limit keeps the overrun small.
function checkingIntervalMs(headersTimeoutMs: number, requestTimeoutMs: number): number {
  const shortest = requestTimeoutMs === 0 ? headersTimeoutMs : Math.min(headersTimeoutMs, requestTimeoutMs);
  return Math.min(30_000, Math.max(50, Math.floor(shortest / 4)));
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (error.code === 'EADDRINUSE') {
        reject(
          new ThawError(
            'THAW_PORT_IN_USE',
            `Port ${port} on ${host} is already in use. Stop the process using it, or set PORT (or the port option) to a free port.`,
            { cause: error },
          ),
        );
      } else
        reject(
          new ThawError('THAW_CONFIG_INVALID', `Could not listen on ${host}:${port}: ${error.message}`, {
            cause: error,
          }),
        );
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
