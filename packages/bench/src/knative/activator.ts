// The activator hop (knative/serving pkg/activator): while the revision has no ready pod, every
// request is held; the first one asks for a pod (scale from zero). Once the queue-proxy reports
// the pod ready, the held requests, and any that arrive later, go through a per-revision
// breaker (queue 10 000, concurrency containerConcurrency, unlimited when 0) to the queue-proxy.
// Each response carries `x-thaw-held-ms`: how long the request waited for the revision.
import { Agent, type IncomingMessage, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { Breaker } from './breaker.ts';
import { answerHopFailure, endToEndHeaders, forwardRequest, listenOnLoopback } from './exchange.ts';
import { closeServer, readBody } from './queue-proxy.ts';

/** The activator's queue per revision (throttler.go's breakerQueueDepth). */
export const activatorQueueDepth = 10_000;

/** A running activator. */
export interface Activator {
  readonly port: number;
  /** Requests waiting for the revision to become ready. */
  readonly held: () => number;
  /** The revision is ready behind the queue-proxy at `port`: release held requests. */
  readonly activate: (queueProxyPort: number) => void;
  /** The revision never became ready: answer held requests 503 with `reason`. */
  readonly fail: (reason: string) => void;
  readonly close: () => Promise<void>;
}

/**
 * Starts an activator on an ephemeral loopback port. `onScaleFromZero` runs once, on the first
 * request that finds the revision at zero.
 *
 * @example
 * ```ts
 * const activator = await startActivator({ containerConcurrency: 0, onScaleFromZero: () => void startPod() });
 * // when the pod is ready: activator.activate(queueProxy.port);
 * ```
 */
export async function startActivator(options: {
  readonly containerConcurrency: number;
  readonly onScaleFromZero: () => void;
  readonly requestTimeoutMs?: number;
}): Promise<Activator> {
  const cc = options.containerConcurrency;
  const breaker = new Breaker({
    queueDepth: activatorQueueDepth,
    maxConcurrency: cc > 0 ? cc : Number.MAX_SAFE_INTEGER,
  });
  const agent = new Agent({ keepAlive: true });
  const revision = new RevisionTarget(options.onScaleFromZero);
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const arrived = performance.now();
    const body = await readBody(req);
    let upstream: number;
    try {
      upstream = await revision.port();
    } catch (error) {
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`${(error as Error).message}\n`);
      return;
    }
    const heldMs = performance.now() - arrived;
    try {
      const response = await breaker.maybe(() =>
        forwardRequest(req, body, upstream, agent, options.requestTimeoutMs),
      );
      res.writeHead(response.status, {
        ...endToEndHeaders(response.headers),
        'x-thaw-held-ms': heldMs.toFixed(3),
      });
      res.end(response.body);
    } catch (error) {
      answerHopFailure(res, error);
    }
  };
  const { server, port } = await listenOnLoopback(handle);
  return {
    port,
    held: () => revision.held,
    activate: (queueProxyPort) => {
      revision.activate(queueProxyPort);
    },
    fail: (reason) => {
      revision.fail(reason);
    },
    close: () => closeServer(server, agent),
  };
}

/**
 * Where the revision's requests go: unknown while it is at zero (requests wait; the first asks
 * for a pod), then the queue-proxy's port, or a failure every waiting and later request gets.
 */
class RevisionTarget {
  readonly #onScaleFromZero: () => void;
  #target: number | undefined;
  #scaling = false;
  #failure: string | undefined;
  readonly #waiting: { resolve: (port: number) => void; reject: (error: Error) => void }[] = [];

  constructor(onScaleFromZero: () => void) {
    this.#onScaleFromZero = onScaleFromZero;
  }

  get held(): number {
    return this.#waiting.length;
  }

  /** The queue-proxy's port, at once when the revision is ready, else once it is. */
  port(): Promise<number> {
    if (this.#target !== undefined) return Promise.resolve(this.#target);
    if (!this.#scaling) {
      this.#scaling = true;
      this.#onScaleFromZero();
    }
    if (this.#failure !== undefined) return Promise.reject(new Error(this.#failure));
    return new Promise<number>((resolve, reject) => this.#waiting.push({ resolve, reject }));
  }

  activate(queueProxyPort: number): void {
    this.#target = queueProxyPort;
    for (const { resolve } of this.#waiting.splice(0)) resolve(queueProxyPort);
  }

  fail(reason: string): void {
    this.#failure = reason;
    for (const { reject } of this.#waiting.splice(0)) reject(new Error(reason));
  }
}
