// The queue-proxy hop (knative/serving cmd/queue, pkg/queue): every request to the user
// container passes a breaker sized from containerConcurrency (queue depth 10 × the limit; no
// breaker when it is 0), refused with 503 when the queue is full. Each response carries
// `x-thaw-upstream-ms`: the time the container took, so the harness can tell proxy overhead
// from the function's own time.
import { Agent, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Breaker, BreakerQueueFullError } from './breaker.ts';
import { answerHopFailure, endToEndHeaders, forwardRequest, listenOnLoopback } from './exchange.ts';

/** A running queue-proxy. */
export interface QueueProxy {
  readonly port: number;
  /** Requests refused because the breaker's queue was full. */
  readonly refused: () => number;
  readonly close: () => Promise<void>;
}

/** Reads a request body completely. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Closes `server`, its idle keep-alive connections and `agent`'s sockets. */
export function closeServer(server: Server, agent: Agent): Promise<void> {
  agent.destroy();
  return new Promise((resolve) => {
    server.close(() => {
      resolve();
    });
    server.closeAllConnections();
  });
}

/**
 * Starts a queue-proxy on an ephemeral loopback port in front of `upstreamPort`.
 *
 * @example
 * ```ts
 * const proxy = await startQueueProxy({ upstreamPort: 8080, containerConcurrency: 1 });
 * // send requests to proxy.port …
 * await proxy.close();
 * ```
 */
export async function startQueueProxy(options: {
  readonly upstreamPort: number;
  readonly containerConcurrency: number;
  readonly requestTimeoutMs?: number;
}): Promise<QueueProxy> {
  const cc = options.containerConcurrency;
  const breaker = cc > 0 ? new Breaker({ queueDepth: 10 * cc, maxConcurrency: cc }) : undefined;
  const agent = new Agent({ keepAlive: true });
  let refused = 0;
  const forward = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const run = () => forwardRequest(req, body, options.upstreamPort, agent, options.requestTimeoutMs);
    try {
      const response = await (breaker === undefined ? run() : breaker.maybe(run));
      res.writeHead(response.status, {
        ...endToEndHeaders(response.headers),
        'x-thaw-upstream-ms': response.elapsedMs.toFixed(3),
      });
      res.end(response.body);
    } catch (error) {
      if (error instanceof BreakerQueueFullError) refused++;
      answerHopFailure(res, error);
    }
  };
  const { server, port } = await listenOnLoopback(forward);
  return {
    port,
    refused: () => refused,
    close: () => closeServer(server, agent),
  };
}
