// The drain sequence, run by the state machine (server-state.ts) once it entered `draining`:
// optionally wait for endpoints to update, stop accepting, let in-flight requests finish
// (bounded), close what is left, run disposers in reverse order and then flushers, each bounded.
// Any overrun is named, never silently dropped.
import type { Server } from 'node:http';
import { Server as NetServer } from 'node:net';
import type { ConnectionTracker, InFlightRequest } from './connection-tracker.ts';
import { takeDisposers, takeFlushers, type Disposer } from './lifecycle.ts';
import { describeError, type Logger } from './logger.ts';

// How long a socket must have been idle before a drain closes it; see ConnectionTracker.closeIdle.
const idleSocketGraceMs = 1_000;
const sweepIntervalMs = 25;

/** What a drain needs; all side effects come in here so tests can drive it. */
export interface DrainDeps {
  readonly server: Server;
  readonly tracker: ConnectionTracker;
  readonly drainTimeoutMs: number;
  readonly shutdownDelayMs: number;
  readonly disposeTimeoutMs: number;
  readonly logger: Logger;
  readonly now: () => number;
}

/** Outcome of a shutdown: the exit code and, on failure, why. */
export interface ShutdownResult {
  readonly exitCode: 0 | 1;
  readonly stuck: readonly InFlightRequest[];
}

/** The requests still running, one phrase each, for log lines. */
export function describeInFlight(deps: Pick<DrainDeps, 'tracker' | 'now'>): string {
  return describeRequests(deps.tracker.inFlight(), deps.now());
}

/** Drains the server, then runs the disposers and the flushers; resolves with the outcome. */
export async function drainServer(deps: DrainDeps): Promise<ShutdownResult> {
  const { tracker, logger } = deps;
  tracker.startDraining();
  if (deps.shutdownDelayMs > 0) await sleep(deps.shutdownDelayMs);
  // net.Server's close stops accepting without http.Server's immediate closeIdleConnections(),
  // which would reset a request a client has just sent on a keep-alive socket.
  NetServer.prototype.close.call(deps.server);
  const drained = await waitForDrain(tracker, deps.drainTimeoutMs);
  const stuck = drained ? [] : abandonStuck(deps);
  deps.server.close();
  // Even after a timed-out drain: pools must still close their server-side connections and the
  // spans of the requests that did finish must still be exported, each within its own bound.
  // Newest first: the last resource created is the first released.
  for (const disposer of takeDisposers()) await runBounded(disposer, 'disposer', deps);
  for (const flusher of takeFlushers()) await runBounded(flusher, 'flusher', deps);
  if (!drained) return { exitCode: 1, stuck };
  logger.info('Shutdown complete.');
  return { exitCode: 0, stuck: [] };
}

// The drain timed out: name every request still running, then cut their connections.
function abandonStuck(deps: DrainDeps): readonly InFlightRequest[] {
  const stuck = deps.tracker.inFlight();
  deps.logger.error(
    `Shutdown timed out after drainTimeoutMs (${deps.drainTimeoutMs} ms) with ${stuck.length} request(s) still running: ${describeInFlight(deps)}. Releasing resources and flushing telemetry, then exiting with code 1.`,
    {
      stuck: stuck.map(({ method, target, invocationId, startedAt }) => ({
        method,
        target,
        invocationId,
        startedAt,
        runningMs: deps.now() - startedAt,
      })),
    },
  );
  deps.tracker.destroyAll();
  return stuck;
}

function waitForDrain(tracker: ConnectionTracker, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = (): void => {
      tracker.closeIdle(idleSocketGraceMs);
      if (tracker.inFlightCount === 0 && tracker.socketCount === 0) finish(true);
    };
    const finish = (drained: boolean): void => {
      clearInterval(sweep);
      clearTimeout(deadline);
      unsubscribe();
      resolve(drained);
    };
    const sweep = setInterval(check, sweepIntervalMs);
    const deadline = setTimeout(() => {
      finish(false);
    }, timeoutMs);
    const unsubscribe = tracker.onChange(check);
    check();
  });
}

async function runBounded(task: Disposer, kind: string, deps: DrainDeps): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    // Not unref'd: a disposer waiting on nothing would otherwise let the event loop empty and
    // the process end (with code 0) before the other disposers, the flushers and the exit code.
    timer = setTimeout(() => {
      resolve('timeout');
    }, deps.disposeTimeoutMs);
  });
  try {
    const outcome = await Promise.race([Promise.resolve().then(() => task.dispose()), timeout]);
    if (outcome === 'timeout') {
      deps.logger.warn(
        `The ${kind} "${task.name}" did not finish within disposeTimeoutMs (${deps.disposeTimeoutMs} ms); continuing without it.`,
      );
    }
  } catch (error) {
    deps.logger.error(`The ${kind} "${task.name}" failed: ${describeError(error)}`, { [kind]: task.name });
  } finally {
    clearTimeout(timer);
  }
}

function describeRequests(requests: readonly InFlightRequest[], now: number): string {
  if (requests.length === 0) return 'none';
  return requests
    .map(
      (entry) =>
        `${entry.method} ${entry.target} (invocation ${entry.invocationId ?? 'unknown'}, running ${Math.round(now - entry.startedAt)} ms)`,
    )
    .join(', ');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
