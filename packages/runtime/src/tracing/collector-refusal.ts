// At shutdown, a collector whose port refuses connections is known at once, while the OTLP
// exporter treats a refusal as retryable and backs off until its own timeout. One TCP connect to
// the collector's address, made before the SDK is loaded or asked to export (both block the
// event loop, which would hold the answer back), tells the flush to skip the export; a
// collector that accepts (or blackholes) the connection leaves the flush to its flushTimeoutMs
// bound.
import type { Socket } from 'node:net';

/** Connection errors after which no export to this endpoint can succeed during the flush. */
const finalCodes = new Set(['ECONNREFUSED', 'ENOTFOUND']);

/** The default OTLP/HTTP endpoint of the exporter (the OpenTelemetry specification's). */
const defaultOtlpHttpEndpoint = 'http://localhost:4318';

/**
 * The URL the OTLP/HTTP trace exporter sends to, as it derives it from the environment.
 *
 * @example
 * ```ts
 * otlpTracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }); // 'http://collector:4318/v1/traces'
 * ```
 */
export function otlpTracesEndpoint(env: NodeJS.ProcessEnv): string {
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (traces !== undefined && traces !== '') return traces;
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  const root = base === undefined || base === '' ? defaultOtlpHttpEndpoint : base;
  return `${root.replace(/\/+$/, '')}/v1/traces`;
}

/** A pending check; `cancel()` releases its socket. */
export interface RefusalCheck {
  /** Resolves with the error code when the endpoint refuses; never resolves otherwise. */
  readonly refused: Promise<string>;
  /** Resolves when the endpoint accepts the connection; never resolves otherwise. */
  readonly accepted: Promise<void>;
  cancel(): void;
}

/**
 * Connects once to the endpoint's host and port. `refused` settles only on a refusal (or a host
 * name that does not resolve), `accepted` only when the connection succeeds; a connection that
 * hangs leaves both pending.
 *
 * @example
 * ```ts
 * const check = checkRefusal('http://127.0.0.1:4318/v1/traces');
 * const outcome = await Promise.race([flush(), check.refused]);
 * check.cancel();
 * ```
 */
export function checkRefusal(endpoint: string): RefusalCheck {
  let socket: Socket | undefined;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return {
      refused: new Promise<string>(() => undefined),
      accepted: new Promise<void>(() => undefined),
      cancel: () => undefined,
    };
  }
  const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
  // Brackets of an IPv6 literal are part of URL.hostname but not of a socket address.
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let accept: () => void = () => undefined;
  const accepted = new Promise<void>((resolve) => {
    accept = resolve;
  });
  const refused = new Promise<string>((resolve) => {
    const { connect } = process.getBuiltinModule('node:net');
    socket = connect({ host, port });
    socket.unref();
    socket.once('connect', () => {
      socket?.destroy();
      accept();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== undefined && finalCodes.has(error.code)) resolve(error.code);
    });
  });
  return {
    refused,
    accepted,
    cancel: () => {
      socket?.destroy();
    },
  };
}
