// One HTTP exchange on loopback with the whole response buffered: the hops of the emulated
// request path (client → activator → queue-proxy → container) each forward complete responses,
// so a hop can add its timing headers before the body goes on. Bodies here are small.
import {
  type Agent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  createServer,
} from 'node:http';
import { type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { loopbackRequest } from '../http-client.ts';
import { BreakerQueueFullError } from './breaker.ts';

/** What to send. */
export interface ExchangeRequest {
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers?: IncomingHttpHeaders | Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  readonly timeoutMs: number;
  readonly agent?: Agent | false;
}

/** A complete response and how long it took, send to last byte. */
export interface ExchangeResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly elapsedMs: number;
}

const hopByHop = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'te',
  'trailer',
]);

/** `headers` without the hop-by-hop ones, which a proxy must not forward. */
export function endToEndHeaders(headers: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !hopByHop.has(name) && name !== 'content-length') out[name] = value;
  }
  return out;
}

/**
 * Sends one request to 127.0.0.1 and resolves with the complete response; rejects on
 * connection errors and after `timeoutMs`.
 *
 * @example
 * ```ts
 * const { status, body } = await exchange({ port, method: 'GET', path: '/', timeoutMs: 5000 });
 * ```
 */
export function exchange(target: ExchangeRequest): Promise<ExchangeResponse> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const { req, timer } = loopbackRequest(target);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks),
          elapsedMs: performance.now() - started,
        });
      });
    });
    req.end(target.body);
  });
}

/**
 * Answers a request a hop could not forward: 503 when its breaker's queue is full (as Knative's
 * hops refuse overload), else 502, with the reason as text.
 *
 * @example
 * ```ts
 * try { … } catch (error) { answerHopFailure(res, error); }
 * ```
 */
export function answerHopFailure(res: ServerResponse, error: unknown): void {
  res.writeHead(error instanceof BreakerQueueFullError ? 503 : 502, { 'content-type': 'text/plain' });
  res.end(`${(error as Error).message}\n`);
}

/**
 * Starts a hop's HTTP server on a free loopback port.
 *
 * @example
 * ```ts
 * const { server, port } = await listenOnLoopback((req, res) => forward(req, res));
 * ```
 */
export async function listenOnLoopback(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Forwards a request a hop received to `port`, end-to-end headers only; the hop's own timing
 * headers go on the response.
 *
 * @example
 * ```ts
 * const response = await forwardRequest(req, await readBody(req), upstreamPort, agent);
 * ```
 */
export function forwardRequest(
  req: IncomingMessage,
  body: Buffer,
  port: number,
  agent: Agent,
  timeoutMs = 300_000,
): Promise<ExchangeResponse> {
  return exchange({
    port,
    method: req.method ?? 'GET',
    path: req.url ?? '/',
    headers: endToEndHeaders(req.headers),
    body,
    timeoutMs,
    agent,
  });
}
