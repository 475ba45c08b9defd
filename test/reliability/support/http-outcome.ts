// One HTTP request with everything a reliability figure needs: when it was sent, whether it went
// out on a reused keep-alive socket, when the headers and the end arrived, and how it failed.
import { request, type Agent, type IncomingHttpHeaders } from 'node:http';

/** How one request ended, from the client's side. */
export interface HttpOutcome {
  /** complete: a full response; refused: no connection was ever made (not accepted). */
  readonly kind: 'complete' | 'refused' | 'reset' | 'truncated';
  readonly status: number | undefined;
  readonly headers: IncomingHttpHeaders | undefined;
  readonly body: string;
  readonly error: string | undefined;
  readonly reusedSocket: boolean;
  /** The client's port of the connection, once connected (the server sees it as remotePort). */
  readonly localPort: number | undefined;
  readonly sentAt: number;
  readonly headersAt: number | undefined;
  readonly endAt: number;
}

/** Sends one request and resolves (never rejects) with its outcome. */
export function sendRequest(options: {
  readonly port: number;
  readonly path: string;
  readonly agent?: Agent | false;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly timeoutMs?: number;
}): Promise<HttpOutcome> {
  return new Promise((resolve) => {
    const sentAt = performance.now();
    let headersAt: number | undefined;
    let status: number | undefined;
    let headers: IncomingHttpHeaders | undefined;
    let body = '';
    let settled = false;
    let localPort: number | undefined;
    const finish = (kind: HttpOutcome['kind'], error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      resolve({
        kind,
        status,
        headers,
        body,
        error,
        reusedSocket: req.reusedSocket,
        localPort,
        sentAt,
        headersAt,
        endAt: performance.now(),
      });
    };
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        path: options.path,
        method: options.method ?? 'GET',
        headers: options.headers,
        agent: options.agent ?? false,
      },
      (res) => {
        headersAt = performance.now();
        status = res.statusCode;
        headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => {
          finish(res.complete ? 'complete' : 'truncated', res.complete ? undefined : 'incomplete body');
        });
        res.on('aborted', () => {
          finish('truncated', 'aborted');
        });
        res.on('error', (error: NodeJS.ErrnoException) => {
          finish('truncated', error.code ?? error.message);
        });
      },
    );
    req.on('socket', (socket) => {
      if (socket.localPort !== undefined) localPort = socket.localPort;
      else
        socket.once('connect', () => {
          localPort = socket.localPort;
        });
    });
    const guard = setTimeout(() => {
      req.destroy(new Error('client timeout'));
    }, options.timeoutMs ?? 30_000);
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') finish('refused', error.code);
      else finish(headersAt === undefined ? 'reset' : 'truncated', error.code ?? error.message);
    });
    req.end(options.body);
  });
}
