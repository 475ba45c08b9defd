// Every option of serve() with its default, in one place. Options given in code win over the
// environment, which wins over the defaults. Each value is validated when it is resolved, so a
// misconfigured function fails at start with a message naming the option.
import { ConfigError } from './errors.ts';
import { jsonLogger, type Logger } from './logger.ts';

/** When the one-line JSON startup report is printed to stdout. */
export type StartupReportMode = 'first-response' | 'ready' | 'off';

/**
 * Options of {@link serve}. All optional.
 *
 * @example
 * ```ts
 * serve(handler, { drainTimeoutMs: 10_000, warmupPath: '/_warmup' });
 * ```
 */
export interface ServeOptions {
  /**
   * TCP port to listen on. `0` picks a free port (read it from the handle's `address`).
   * @default the `PORT` environment variable, else 8080
   */
  readonly port?: number;
  /**
   * Interface to listen on.
   * @default '0.0.0.0'
   */
  readonly host?: string;
  /**
   * Liveness path: 200 while the event loop runs.
   * @default '/healthz'
   */
  readonly healthPath?: string;
  /**
   * Readiness path: 200 once every critical initializer is done and the process is not draining.
   * @default '/readyz'
   */
  readonly readyPath?: string;
  /**
   * A path answered 204 as a warm-up request (besides the `x-thaw-warmup: 1` header, always on).
   * @default the `THAW_WARMUP_PATH` environment variable, else undefined (header only)
   */
  readonly warmupPath?: string | undefined;
  /**
   * How long an idle keep-alive connection stays open. Longer than the 90 s a Go reverse proxy
   * (Knative's queue-proxy) keeps idle connections, so the proxy closes them first and never
   * reuses one the function has just closed (which it reports as a 502).
   * @default 120000
   */
  readonly keepAliveTimeoutMs?: number;
  /**
   * How long a client may take to send a request's headers; a slower one (slow-loris) gets 408
   * and its connection is closed. At most `requestTimeoutMs` when that is not 0.
   * @default 60000
   */
  readonly headersTimeoutMs?: number;
  /**
   * How long a client may take to send a whole request, headers and body; a slower one gets 408
   * and its connection is closed. `0` turns the limit off. The handler's own running time is not
   * counted.
   * @default 300000
   */
  readonly requestTimeoutMs?: number;
  /**
   * Largest request body accepted; a larger one gets 413 and the handler is not called.
   * @default 10485760 (10 MiB)
   */
  readonly maxBodyBytes?: number;
  /**
   * How long a request that arrives before the function is ready (critical initializers not
   * done) is held for readiness; then it gets 503 with `Retry-After`. At most Knative's 10 s
   * startup probing window, so a held request never outlives the probing. `0` answers 503 at once.
   * @default 10000
   */
  readonly readyWaitTimeoutMs?: number;
  /**
   * How long in-flight requests may run after shutdown starts before the process exits with 1.
   * @default 20000
   */
  readonly drainTimeoutMs?: number;
  /**
   * Delay between SIGTERM and closing the listener, while readiness already answers 503. Useful on
   * plain Kubernetes, where endpoints update late; Knative has drained upstream already.
   * @default 0
   */
  readonly shutdownDelayMs?: number;
  /**
   * Time each disposer and each flusher gets on shutdown before it is abandoned.
   * @default 5000
   */
  readonly disposeTimeoutMs?: number;
  /**
   * Whether SIGTERM and SIGINT start the graceful shutdown.
   * @default true
   */
  readonly handleSignals?: boolean;
  /**
   * When the JSON startup report line is printed to stdout.
   * @default 'first-response'
   */
  readonly startupReport?: StartupReportMode;
  /**
   * A file written atomically when the process is ready (for exec probes).
   * @default the `THAW_READY_FILE` environment variable, else none
   */
  readonly readyFile?: string | undefined;
  /**
   * Whether to install OpenTelemetry tracing (loaded after ready).
   * @default true when `THAW_OTEL=1`, an `OTEL_EXPORTER_OTLP_*` variable is set, or an OpenTelemetry API is registered
   */
  readonly tracing?: boolean | undefined;
  /**
   * Service name for telemetry.
   * @default the `K_SERVICE` environment variable, else 'function'
   */
  readonly serviceName?: string;
  /** Environment to read `PORT`, `K_*` and `THAW_*` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where log lines go. @default JSON lines on stderr */
  readonly logger?: Logger;
  /** Ends the process after shutdown. @default process.exit */
  readonly exit?: (code: number) => void;
}

/**
 * The defaults of {@link ServeOptions}; the README documents the same values (a test checks).
 *
 * @example
 * ```ts
 * serve(handler, { drainTimeoutMs: defaultServeOptions.drainTimeoutMs / 2 });
 * ```
 */
export const defaultServeOptions = {
  port: 8080,
  host: '0.0.0.0',
  healthPath: '/healthz',
  readyPath: '/readyz',
  warmupPath: undefined,
  keepAliveTimeoutMs: 120_000,
  headersTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
  maxBodyBytes: 10_485_760,
  readyWaitTimeoutMs: 10_000,
  drainTimeoutMs: 20_000,
  shutdownDelayMs: 0,
  disposeTimeoutMs: 5_000,
  handleSignals: true,
  startupReport: 'first-response',
  readyFile: undefined,
  tracing: undefined,
  serviceName: 'function',
} as const satisfies Omit<Required<ServeOptions>, 'env' | 'logger' | 'exit'>;

/** Options with every default applied and every value checked. */
export interface ResolvedServeOptions {
  readonly port: number;
  readonly host: string;
  readonly healthPath: string;
  readonly readyPath: string;
  readonly warmupPath: string | undefined;
  readonly keepAliveTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly maxBodyBytes: number;
  readonly readyWaitTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly shutdownDelayMs: number;
  readonly disposeTimeoutMs: number;
  readonly handleSignals: boolean;
  readonly startupReport: StartupReportMode;
  readonly readyFile: string | undefined;
  readonly tracing: boolean | undefined;
  readonly serviceName: string;
  readonly env: NodeJS.ProcessEnv;
  readonly logger: Logger;
  readonly exit: (code: number) => void;
}

const reportModes: readonly StartupReportMode[] = ['first-response', 'ready', 'off'];

/** Applies defaults and validates; throws a {@link ConfigError} naming the first bad option. */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw new ConfigError('serve() options', given, 'an object of ServeOptions');
  }
  const env = options.env ?? process.env;
  const port = options.port ?? portFromEnv(env.PORT) ?? defaultServeOptions.port;
  checkInteger('port', port, 0, 65_535);
  const host = options.host ?? defaultServeOptions.host;
  if (typeof host !== 'string' || host === '')
    throw new ConfigError('host', host, 'a non-empty host name or IP');
  const startupReport = options.startupReport ?? defaultServeOptions.startupReport;
  if (!reportModes.includes(startupReport)) {
    throw new ConfigError(
      'startupReport',
      startupReport,
      `one of ${reportModes.map((m) => `'${m}'`).join(', ')}`,
    );
  }
  const readyFile = options.readyFile ?? nonEmpty(env.THAW_READY_FILE) ?? defaultServeOptions.readyFile;
  const resolved: ResolvedServeOptions = {
    port,
    host,
    healthPath: checkPath('healthPath', options.healthPath ?? defaultServeOptions.healthPath),
    readyPath: checkPath('readyPath', options.readyPath ?? defaultServeOptions.readyPath),
    warmupPath: resolveWarmupPath(options.warmupPath, nonEmpty(env.THAW_WARMUP_PATH)),
    keepAliveTimeoutMs: checkInteger(
      'keepAliveTimeoutMs',
      options.keepAliveTimeoutMs ?? defaultServeOptions.keepAliveTimeoutMs,
      1,
    ),
    headersTimeoutMs: checkInteger(
      'headersTimeoutMs',
      options.headersTimeoutMs ?? defaultServeOptions.headersTimeoutMs,
      1,
    ),
    requestTimeoutMs: checkInteger(
      'requestTimeoutMs',
      options.requestTimeoutMs ?? defaultServeOptions.requestTimeoutMs,
      0,
    ),
    maxBodyBytes: checkInteger('maxBodyBytes', options.maxBodyBytes ?? defaultServeOptions.maxBodyBytes, 0),
    readyWaitTimeoutMs: checkInteger(
      'readyWaitTimeoutMs',
      options.readyWaitTimeoutMs ?? defaultServeOptions.readyWaitTimeoutMs,
      0,
    ),
    drainTimeoutMs: checkInteger(
      'drainTimeoutMs',
      options.drainTimeoutMs ?? defaultServeOptions.drainTimeoutMs,
      0,
    ),
    shutdownDelayMs: checkInteger(
      'shutdownDelayMs',
      options.shutdownDelayMs ?? defaultServeOptions.shutdownDelayMs,
      0,
    ),
    disposeTimeoutMs: checkInteger(
      'disposeTimeoutMs',
      options.disposeTimeoutMs ?? defaultServeOptions.disposeTimeoutMs,
      0,
    ),
    handleSignals: checkBoolean('handleSignals', options.handleSignals ?? defaultServeOptions.handleSignals),
    startupReport,
    readyFile: readyFile === undefined ? undefined : checkString('readyFile', readyFile),
    tracing: options.tracing === undefined ? undefined : checkBoolean('tracing', options.tracing),
    serviceName: checkString(
      'serviceName',
      options.serviceName ?? nonEmpty(env.K_SERVICE) ?? defaultServeOptions.serviceName,
    ),
    env: checkEnv(env),
    logger: options.logger === undefined ? jsonLogger() : checkLogger(options.logger),
    exit: options.exit === undefined ? (code: number) => process.exit(code) : checkExit(options.exit),
  };
  if (resolved.requestTimeoutMs !== 0 && resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new ConfigError(
      'headersTimeoutMs',
      resolved.headersTimeoutMs,
      `at most requestTimeoutMs (${resolved.requestTimeoutMs}), or requestTimeoutMs 0`,
    );
  }
  if (new Set([resolved.healthPath, resolved.readyPath, resolved.warmupPath]).size < 3) {
    throw new ConfigError(
      'healthPath/readyPath/warmupPath',
      [resolved.healthPath, resolved.readyPath, resolved.warmupPath].join(', '),
      'three different paths',
    );
  }
  return resolved;
}

function portFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value)) {
    throw new ConfigError(
      'PORT environment variable',
      value,
      'an integer from 0 to 65535, or PORT unset for 8080',
    );
  }
  return Number(value);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function checkInteger(option: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const allowed =
      max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new ConfigError(option, value, allowed);
  }
  return value;
}

function checkBoolean(option: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(option, value, 'true or false');
  return value;
}

function checkString(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(option, value, 'a non-empty string');
  return value;
}

function checkEnv(value: unknown): NodeJS.ProcessEnv {
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError('env', value, 'an object of environment variables (such as process.env)');
  }
  return value as NodeJS.ProcessEnv;
}

function checkLogger(value: unknown): Logger {
  const candidate = value as Partial<Record<keyof Logger, unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.info !== 'function' ||
    typeof candidate.warn !== 'function' ||
    typeof candidate.error !== 'function'
  ) {
    throw new ConfigError('logger', value, 'an object with info, warn and error functions');
  }
  return value as Logger;
}

function checkExit(value: unknown): (code: number) => void {
  if (typeof value !== 'function') throw new ConfigError('exit', value, 'a function (code) => void');
  return value as (code: number) => void;
}

function checkPath(option: string, value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new ConfigError(option, value, "a path starting with '/'");
  }
  return value;
}

// A PingSource can only choose the path it posts to (no headers), so the generated Knative
// Service names its warm-up path in THAW_WARMUP_PATH.
function resolveWarmupPath(given: string | undefined, fromEnv: string | undefined): string | undefined {
  if (given !== undefined) return checkPath('warmupPath', given);
  if (fromEnv === undefined) return defaultServeOptions.warmupPath;
  try {
    return checkPath('warmupPath', fromEnv);
  } catch {
    throw new ConfigError('THAW_WARMUP_PATH', fromEnv, 'an absolute path such as "/_thaw/warmup"');
  }
}
