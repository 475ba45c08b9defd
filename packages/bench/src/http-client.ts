// One HTTP request to the process under test, timed until the last byte of the body: a client
// sees a response as done only then. No agent by default, so each request opens a fresh
// connection, as the first request to a cold instance does.
import { type Agent, type ClientRequest, type OutgoingHttpHeaders, request } from 'node:http';
import { connect } from 'node:net';

/** What to send. */
export interface HttpTarget {
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs: number;
  readonly agent?: Agent;
  /** Called when the TCP connection is established. */
  readonly onConnect?: () => void;
}

/**
 * Opens a request to 127.0.0.1 that destroys itself after `timeoutMs`; the caller clears
 * `timer` once the response is complete. The harness's client and the Knative stand-ins' hops
 * both start their requests here.
 *
 * @example
 * ```ts
 * const { req, timer } = loopbackRequest({ port, method: 'GET', path: '/', timeoutMs: 1000 });
 * ```
 */
export function loopbackRequest(target: {
  readonly port: number;
  readonly method: string;
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders | Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly agent?: Agent | false;
}): { req: ClientRequest; timer: NodeJS.Timeout } {
  const req = request({
    host: '127.0.0.1',
    port: target.port,
    method: target.method,
    path: target.path,
    headers: target.headers,
    agent: target.agent ?? false,
  });
  const timer = setTimeout(() => {
    req.destroy(new Error(`no complete response within ${target.timeoutMs} ms`));
  }, target.timeoutMs);
  timer.unref();
  return { req, timer };
}

/** A complete response. */
export interface HttpOutcome {
  readonly status: number;
  readonly bytes: number;
}

/**
 * Sends one request to 127.0.0.1 and resolves when the response body has been read completely.
 * Rejects on connection errors and after `timeoutMs`.
 *
 * @example
 * ```ts
 * const { status } = await sendRequest({ port, method: 'GET', path: '/', timeoutMs: 1000 });
 * ```
 */
export function sendRequest(target: HttpTarget): Promise<HttpOutcome> {
  return new Promise((resolve, reject) => {
    const { req, timer } = loopbackRequest(target);
    const onConnect = target.onConnect;
    if (onConnect !== undefined) {
      req.once('socket', (socket) => {
        socket.once('connect', onConnect);
      });
    }
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
      });
      res.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, bytes });
      });
    });
    req.end(target.body);
  });
}

/**
 * Whether 127.0.0.1:`port` accepts a TCP connection within `timeoutMs` (Knative's TCP probe).
 *
 * @example
 * ```ts
 * if (await canConnect(port, 100)) console.log('listening');
 * ```
 */
export function canConnect(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => {
      done(false);
    }, timeoutMs);
    timer.unref();
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
  });
}
