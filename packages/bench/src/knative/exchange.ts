// One HTTP exchange on loopback with the whole response buffered: the hops of the emulated
// request path (client → activator → queue-proxy → container) each forward complete responses,
// so a hop can add its timing headers before the body goes on. Bodies here are small.
import { type Agent, type IncomingHttpHeaders, request } from 'node:http';
import { performance } from 'node:perf_hooks';

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
