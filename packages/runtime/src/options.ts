// Every option of serve(), declared once: `serveOptionTable` gives each its default (or where it
// comes from), its validator and the line the README's options table shows; the defaults, the
// resolved type, the resolution and that table all derive from it (a test keeps the README in
// agreement). Options given in code win over the environment, which wins over the defaults. Each
// value is validated when it is resolved, and an unknown option name is rejected with the nearest
// valid one, so a misconfigured function fails at start with a message naming the option.
import { ConfigError } from './errors.ts';
import { jsonLogger, type Logger } from './logger.ts';
import { nearestName } from './nearest-name.ts';
import {
  boolean,
  byteSize,
  durationMs,
  fractionOrOff,
  functionOf,
  integer,
  nonEmptyString,
  oneOf,
  optional,
  urlPath,
  type Validator,
} from './validators.ts';

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
   * Fraction of a memory limit at which new requests get 503 (and readiness 503) while the
   * running ones finish: RSS against the container's limit, used heap against V8's heap limit,
   * sampled every 100 ms (every 10 ms near the line while requests run). Accepting again below
   * the ratio less 0.05. `0` turns it off.
   * @default the `THAW_MEMORY_SHED_RATIO` environment variable, else 0.9
   */
  readonly memoryShedRatio?: number;
  /**
   * The memory limit RSS is compared with.
   * @default the container's cgroup limit (v2 `memory.max`, v1 `memory.limit_in_bytes`), else none
   */
  readonly memoryLimitBytes?: number | undefined;
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
   * @default the `K_SERVICE` environment variable, else the name in the entry's package.json
   */
  readonly serviceName?: string | undefined;
  /** Environment to read `PORT`, `K_*` and `THAW_*` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where log lines go. @default JSON lines on stderr */
  readonly logger?: Logger;
  /** Ends the process after shutdown. @default process.exit */
  readonly exit?: (code: number) => void;
}

/** One option: where its value comes from, how it is checked, what the README says of it. */
interface OptionDeclaration<T> {
  /** The default value, when it is a plain value (listed in {@link defaultServeOptions}). */
  readonly default?: T;
  /** Builds the default when it is not a plain value (`env`, `logger`, `exit`). */
  readonly make?: () => T;
  /** The default as the README shows it, when it is not the plain value. */
  readonly shownDefault?: string;
  /** Read from the environment when the option is not given in code. */
  readonly fromEnv?: (env: NodeJS.ProcessEnv) => T | undefined;
  readonly validate: Validator<T>;
  /** The README's "meaning" column. */
  readonly doc: string;
}

const option = <T>(declaration: OptionDeclaration<T>): OptionDeclaration<T> => declaration;

const reportModes = ['first-response', 'ready', 'off'] as const satisfies readonly StartupReportMode[];

const nonEmptyHost: Validator<string> = (name, value) => {
  if (typeof value !== 'string' || value === '')
    throw new ConfigError(name, value, 'a non-empty host name or IP');
  return value;
};

const environment: Validator<NodeJS.ProcessEnv> = (name, value) => {
  if (typeof value !== 'object' || value === null) {
    throw new ConfigError(name, value, 'an object of environment variables (such as process.env)');
  }
  return value as NodeJS.ProcessEnv;
};

const logger: Validator<Logger> = (name, value) => {
  const candidate = value as Partial<Record<keyof Logger, unknown>> | null;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    typeof candidate.info !== 'function' ||
    typeof candidate.warn !== 'function' ||
    typeof candidate.error !== 'function'
  ) {
    throw new ConfigError(name, value, 'an object with info, warn and error functions');
  }
  return value as Logger;
};

/**
 * Every option of {@link ServeOptions}, declared once, in the order the README lists them.
 * The compiler keeps it complete: an option of `ServeOptions` missing here does not build.
 */
export const serveOptionTable = {
  port: option({
    default: 8080,
    fromEnv: (env) => portFromEnv(env['PORT']),
    validate: integer(0, 65_535),
    doc: 'TCP port; `$PORT` when set (an integer, else a `ConfigError` naming `PORT`); `0` picks a free one',
  }),
  host: option({ default: '0.0.0.0', validate: nonEmptyHost, doc: 'interface to listen on' }),
  healthPath: option({
    default: '/healthz',
    validate: urlPath,
    doc: 'liveness: `200` while the event loop runs',
  }),
  readyPath: option({
    default: '/readyz',
    validate: urlPath,
    doc: 'readiness: `200` when every critical init is done and not draining, else `503` with a JSON body',
  }),
  warmupPath: option({
    default: undefined,
    // A PingSource can only choose the path it posts to (no headers), so the generated Knative
    // Service names its warm-up path in THAW_WARMUP_PATH.
    fromEnv: (env) => warmupPathFromEnv(env['THAW_WARMUP_PATH']),
    validate: optional(urlPath),
    doc: 'a path answered `204` as a warm-up (the `x-thaw-warmup: 1` header always is); `$THAW_WARMUP_PATH` when set',
  }),
  keepAliveTimeoutMs: option({
    default: 120_000,
    validate: durationMs(1),
    doc: "idle keep-alive connections stay open this long: longer than the 90 s a Go reverse proxy such as Knative's queue-proxy keeps them, so the proxy never reuses a connection the function has just closed (a 502)",
  }),
  headersTimeoutMs: option({
    default: 60_000,
    validate: durationMs(1),
    doc: "a client that takes longer to send a request's headers (slow-loris) gets `408` and is disconnected; at most `requestTimeoutMs`",
  }),
  requestTimeoutMs: option({
    default: 300_000,
    validate: durationMs(0),
    doc: "a client that takes longer to send a whole request (headers and body) gets `408` and is disconnected; `0` = no limit; the handler's running time does not count",
  }),
  maxBodyBytes: option({
    default: 10_485_760,
    validate: byteSize(0),
    doc: 'larger request bodies get `413`',
  }),
  readyWaitTimeoutMs: option({
    default: 10_000,
    validate: durationMs(0),
    doc: "a request arriving before ready is held this long for readiness, then answered `503` with `Retry-After: 1`; at most Knative's 10 s startup probing window",
  }),
  memoryShedRatio: option({
    default: 0.9,
    fromEnv: (env) => ratioFromEnv(env['THAW_MEMORY_SHED_RATIO']),
    validate: fractionOrOff,
    doc: "when RSS reaches this fraction of the container's memory limit (or the used heap of V8's heap limit), new requests get `503` with `Retry-After: 1` and readiness `503` while running ones finish; sampled every 100 ms (10 ms near the line while requests run), accepting again 0.05 below; `0` = off; `$THAW_MEMORY_SHED_RATIO` when set",
  }),
  memoryLimitBytes: option({
    default: undefined,
    validate: optional(byteSize(1)),
    doc: "the limit RSS is compared with; unset: the container's cgroup limit (v2 `memory.max`, v1 `memory.limit_in_bytes`), none outside a container",
  }),
  drainTimeoutMs: option({
    default: 20_000,
    validate: durationMs(0),
    doc: 'how long in-flight requests may run after shutdown starts; then exit 1',
  }),
  shutdownDelayMs: option({
    default: 0,
    validate: durationMs(0),
    doc: 'wait between SIGTERM and closing the listener (plain Kubernetes; Knative has drained already)',
  }),
  disposeTimeoutMs: option({
    default: 5_000,
    validate: durationMs(0),
    doc: 'bound of each disposer and each flusher',
  }),
  handleSignals: option({
    default: true,
    validate: boolean,
    doc: 'SIGTERM and SIGINT start the graceful shutdown',
  }),
  startupReport: option({
    default: 'first-response',
    validate: oneOf(reportModes),
    doc: "when the JSON startup report line is printed: `'first-response'`, `'ready'` or `'off'`",
  }),
  readyFile: option({
    default: undefined,
    fromEnv: (env) => nonEmpty(env['THAW_READY_FILE']),
    validate: optional(nonEmptyString),
    doc: '`$THAW_READY_FILE` when set: a file written atomically at ready, removed when draining',
  }),
  tracing: option({
    default: undefined,
    validate: optional(boolean),
    doc: 'auto: on when `THAW_OTEL=1`, an `OTEL_EXPORTER_OTLP_*` variable is set, or an OpenTelemetry API is registered',
  }),
  serviceName: option({
    default: undefined,
    fromEnv: (env) => nonEmpty(env['K_SERVICE']),
    validate: optional(nonEmptyString),
    doc: '`$K_SERVICE` when set, else the package name (`npm_package_name`, or the `name` of the nearest `package.json` above the entry script; `unknown_service:node` without one): the telemetry service name',
  }),
  env: option({
    make: () => process.env,
    shownDefault: '`process.env`',
    validate: environment,
    doc: 'where `PORT`, `K_*`, `THAW_*` and `OTEL_*` are read',
  }),
  logger: option({
    make: () => jsonLogger(),
    shownDefault: 'JSON lines on stderr',
    validate: logger,
    doc: '`{ info, warn, error }(message, fields)`',
  }),
  exit: option({
    make: () => (code: number) => process.exit(code),
    shownDefault: '`process.exit`',
    validate: functionOf<(code: number) => void>('a function (code) => void'),
    doc: 'how the process ends after a signal-triggered shutdown',
  }),
} as const satisfies { readonly [K in keyof Required<ServeOptions>]: OptionDeclaration<ServeOptions[K]> };

type OptionTable = typeof serveOptionTable;
type ValueOf<D> = D extends { readonly validate: Validator<infer T> } ? T : never;

/** Options with every default applied and every value checked. */
export type ResolvedServeOptions = { readonly [K in keyof OptionTable]: ValueOf<OptionTable[K]> };

/** The options whose default is a plain value. */
type DefaultedOption = Exclude<keyof OptionTable, 'env' | 'logger' | 'exit'>;

/**
 * The defaults of {@link ServeOptions}, taken from the declaration; the README documents the
 * same values (a test checks).
 *
 * @example
 * ```ts
 * serve(handler, { drainTimeoutMs: defaultServeOptions.drainTimeoutMs / 2 });
 * ```
 */
export const defaultServeOptions: { readonly [K in DefaultedOption]: ResolvedServeOptions[K] } =
  Object.freeze(
    Object.fromEntries(
      Object.entries(serveOptionTable as Record<string, OptionDeclaration<unknown>>)
        .filter(([, declaration]) => 'default' in declaration)
        .map(([name, declaration]) => [name, declaration.default]),
    ) as { [K in DefaultedOption]: ResolvedServeOptions[K] },
  );

/** The README's options table rows, `[option, default, meaning]`, as the declaration says them. */
export function serveOptionRows(): Array<[string, string, string]> {
  return Object.entries(serveOptionTable as Record<string, OptionDeclaration<unknown>>).map(
    ([name, declaration]) => [
      `\`${name}\``,
      declaration.shownDefault ?? `\`${showValue(declaration.default)}\``,
      declaration.doc,
    ],
  );
}

function showValue(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}

/** Applies defaults and validates; throws a {@link ConfigError} naming the first bad option. */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  const given: unknown = options;
  if (typeof given !== 'object' || given === null) {
    throw new ConfigError('serve() options', given, 'an object of ServeOptions');
  }
  rejectUnknownNames(options);
  const table = serveOptionTable as Record<string, OptionDeclaration<unknown>>;
  const values = options as Record<string, unknown>;
  const env = environment('env', options.env ?? process.env);
  const resolved: Record<string, unknown> = { env };
  for (const [name, declaration] of Object.entries(table)) {
    if (name === 'env') continue;
    const value = values[name] ?? declaration.fromEnv?.(env);
    resolved[name] =
      value === undefined ? (declaration.make?.() ?? declaration.default) : declaration.validate(name, value);
  }
  return checkTogether(resolved as ResolvedServeOptions);
}

function rejectUnknownNames(options: object): void {
  for (const name of Object.keys(options)) {
    if (Object.hasOwn(serveOptionTable, name)) continue;
    const nearest = nearestName(name, Object.keys(serveOptionTable));
    throw new ConfigError(
      'serve() option name',
      name,
      nearest === undefined
        ? `one of ${Object.keys(serveOptionTable).join(', ')}`
        : `the name of a serve() option (did you mean \`${nearest}\`?)`,
    );
  }
}

// The rules that relate two options to each other.
function checkTogether(resolved: ResolvedServeOptions): ResolvedServeOptions {
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

function ratioFromEnv(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ratio = Number(value);
  if (!/^\d*\.?\d+$/u.test(value) || ratio >= 1) {
    throw new ConfigError(
      'THAW_MEMORY_SHED_RATIO',
      value,
      'a number above 0 and below 1 (such as 0.9), or 0 to turn shedding off',
    );
  }
  return ratio;
}

function warmupPathFromEnv(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!value.startsWith('/')) {
    throw new ConfigError('THAW_WARMUP_PATH', value, 'an absolute path such as "/_thaw/warmup"');
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
