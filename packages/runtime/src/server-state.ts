// The server's life as an explicit state machine: starting → listening → ready → draining →
// closed. Each transition is one method here and nowhere else; what a transition does to the
// outside (the ready announcement, the drain sequence) lives in its own module and is called from
// that one method. Readiness answers are derived from the phase, never kept beside it.
//
//   starting ──listened()──▶ listening ──tryReady()──▶ ready
//      │                        │                        │
//      └────────────── shutdown(reason) ─────────────────┴──▶ draining ──(drain done)──▶ closed
import { ThawError } from './errors.ts';
import type { HandlerRequirement, ReadinessReport } from './health.ts';
import {
  criticalInitsReady,
  initRegistry,
  initializerStatuses,
  onInitializerChange,
  startInitializers,
} from './init-registry.ts';
import { describeError, type Logger } from './logger.ts';
import { removeReadyFile } from './ready-file.ts';
import type { ReadyGate } from './ready-gate.ts';
import { describeInFlight, drainServer, type DrainDeps, type ShutdownResult } from './shutdown.ts';
import { recordMark, sinceStart } from './startup/marks.ts';

/**
 * The server's phase. Readiness is 200 only in `ready`; `listening` means the port accepts
 * connections while critical initializers (or the handler's own requirement) are not done yet.
 *
 * @example
 * ```ts
 * const phase: ServerPhase = 'draining';
 * ```
 */
export type ServerPhase = 'starting' | 'listening' | 'ready' | 'draining' | 'closed';

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

/** What the request path reads from the state machine. */
export interface ServerStateView {
  readonly phase: ServerPhase;
  /** Aborted (with THAW_SHUTTING_DOWN) when draining starts: every `ctx.signal`. */
  readonly drainSignal: AbortSignal;
  /** Whether the process is ready now, and the body that says why not. */
  readiness(): { ready: boolean; report: ReadinessReport };
}

/** What the state machine is built from; every side effect comes in here. */
export interface ServerStateDeps {
  readonly logger: Logger;
  readonly gate: ReadyGate;
  readonly readyFile: string | undefined;
  /** False while the handler waits for something of its own (the CloudEvents SDK). */
  readonly handlerReady: boolean;
  /** The drain sequence's needs (shutdown.ts). */
  readonly drain: DrainDeps;
  /** The ready transition's effects (ready-transition.ts), run once on entering `ready`. */
  readonly onReady: (state: ServerStateView) => void;
  /** Stops accepting connections: called when listening completes after draining began. */
  readonly stopListening: () => void;
}

/**
 * One server's phases and the transitions between them.
 *
 * @example
 * ```ts
 * const state = new ServerState(deps);
 * state.listened({ host: '0.0.0.0', port: 8080 });
 * await state.shutdown('SIGTERM');
 * ```
 */
export class ServerState implements ServerStateView {
  readonly #deps: ServerStateDeps;
  readonly #drainController = new AbortController();
  readonly #closedListeners: (() => void)[] = [];
  readonly #unsubscribeInits: () => void;
  #phase: ServerPhase = 'starting';
  #address: ServerAddress | undefined;
  #requirement: HandlerRequirement;
  #shutdown: Promise<ShutdownResult> | undefined;

  constructor(deps: ServerStateDeps) {
    this.#deps = deps;
    this.#requirement = { ready: deps.handlerReady };
    initRegistry().logger = deps.logger;
    this.#unsubscribeInits = onInitializerChange(() => {
      this.tryReady();
    });
  }

  get phase(): ServerPhase {
    return this.#phase;
  }

  /** The bound address, once listening (kept after draining starts). */
  get address(): ServerAddress | undefined {
    return this.#address;
  }

  get drainSignal(): AbortSignal {
    return this.#drainController.signal;
  }

  /** True once a shutdown began, whoever started it (a signal, `close()`, an exhausted init). */
  get shutdownStarted(): boolean {
    return this.#shutdown !== undefined;
  }

  readiness(): { ready: boolean; report: ReadinessReport } {
    const phase = this.#phase;
    if (phase === 'draining' || phase === 'closed') return { ready: false, report: { status: 'draining' } };
    const requirement = this.#requirement;
    if (requirement.error !== undefined)
      return { ready: false, report: { status: 'failing', error: requirement.error } };
    // Live, not `phase === 'ready'`: a critical initializer declared after ready (a late import)
    // turns readiness 503 again until it is done.
    if (phase !== 'starting' && requirement.ready && criticalInitsReady())
      return { ready: true, report: { status: 'ready' } };
    const pending = initializerStatuses().filter(
      (status) => status.when === 'critical' && status.state !== 'ready',
    );
    const failing = pending.some((status) => status.state === 'failed' || status.attempts > 1);
    return { ready: false, report: { status: failing ? 'failing' : 'starting', initializers: pending } };
  }

  /** The requests still running, for the log line of a second signal. */
  describeStuck(): string {
    return describeInFlight(this.#deps.drain);
  }

  /** Calls `listener` once the server reached `closed`. */
  onClosed(listener: () => void): void {
    this.#closedListeners.push(listener);
  }

  /** starting → listening: the port accepts connections; critical initializers start now. */
  listened(address: ServerAddress): void {
    // close() may have run while tracing loaded or the port was being bound.
    if (this.#phase === 'draining' || this.#phase === 'closed') this.#deps.stopListening();
    this.#address = address;
    if (this.#phase === 'starting') this.#phase = 'listening';
    const at = sinceStart();
    recordMark('listening', at, at, { port: address.port });
    this.#deps.logger.info(`Listening on ${address.host}:${address.port}.`, { ...address });
    startInitializers('critical');
    this.tryReady();
  }

  /** The handler's own requirement is met (the CloudEvents SDK loaded). */
  handlerLoaded(): void {
    this.#requirement = { ready: true };
    this.tryReady();
  }

  /**
   * The handler's requirement failed for good: the process stays not ready, and waiting and
   * later invocations are answered at once with the fix instead of each waiting for the timeout.
   */
  handlerFailed(message: string): void {
    this.#requirement = { ready: false, error: message };
    this.#deps.logger.error(message);
    this.#deps.gate.refuseAll(message);
  }

  /** listening → ready, when the handler and every critical initializer are ready. */
  tryReady(): void {
    if (this.#phase !== 'listening' || !this.#requirement.ready || !criticalInitsReady()) return;
    this.#phase = 'ready';
    this.#deps.onReady(this);
  }

  /**
   * any → draining → closed. Safe to call again: every caller gets the one shutdown's outcome.
   */
  shutdown(reason: string): Promise<ShutdownResult> {
    this.#shutdown ??= this.#drain(reason);
    return this.#shutdown;
  }

  async #drain(reason: string): Promise<ShutdownResult> {
    this.#enterDraining(reason);
    const result = await drainServer(this.#deps.drain);
    this.#phase = 'closed';
    for (const listener of this.#closedListeners.splice(0)) listener();
    return result;
  }

  // Everything that must happen the moment draining starts, before any request can observe it.
  #enterDraining(reason: string): void {
    const { logger, gate, readyFile, drain } = this.#deps;
    logger.info(`Shutting down (${reason}): readiness is now 503.`, {
      inFlight: drain.tracker.inFlightCount,
    });
    this.#phase = 'draining';
    this.#unsubscribeInits();
    this.#drainController.abort(new ThawError('THAW_SHUTTING_DOWN', 'The process is shutting down.'));
    initRegistry().abort.abort();
    gate.refuseAll(
      'The function is shutting down before it became ready. Retry: another instance will answer.',
    );
    if (readyFile === undefined) return;
    try {
      removeReadyFile(readyFile);
    } catch (error) {
      logger.warn(`Could not remove the ready file: ${describeError(error)}`);
    }
  }
}
