// Options of startup tracing, their defaults in one place, and their resolution from code and
// environment. Environment variables are configuration too: they are validated the same way.
import { ConfigError, redactSecrets, type ThawError } from '../errors.ts';
import { moduleSpansVariable } from '../startup/module-profile.ts';
import { tracingInstrumentations, type TracingInstrumentation } from './instrumentations.ts';

/** How startup tracing behaves. Every field is optional. */
export interface TracingOptions {
  /**
   * How long after ready, with no request arriving, thaw waits before loading the OpenTelemetry
   * SDK. A first request that arrives sooner postpones the load until its response is finished,
   * so the SDK is never on the path to the first response. Also the longest the load waits, in
   * all, for quiet moments (see `sdkQuietMs`), so that a function that is never quiet still gets
   * its SDK. Env: `THAW_OTEL_IDLE_DELAY_MS`.
   * @default 1000
   */
  readonly sdkIdleDelayMs?: number;
  /**
   * How long no request must have been running before the SDK load starts after the first
   * response. The load then goes one package at a time with a macrotask between two, each
   * waiting while a request runs, so that no single step holds readiness probes for long.
   * Env: `THAW_OTEL_QUIET_MS`.
   * @default 100
   */
  readonly sdkQuietMs?: number;
  /**
   * Upper bound of the flush at shutdown; spans not exported by then are dropped so that an
   * unreachable collector never holds the process. Env: `THAW_OTEL_FLUSH_TIMEOUT_MS`.
   * @default 3000
   */
  readonly flushTimeoutMs?: number;
  /**
   * Invocations remembered while no tracer exists yet (replayed as spans once it does); later
   * ones are counted in `thaw.invocations.dropped`.
   * @default 64
   */
  readonly invocationBufferSize?: number;
  /**
   * The OpenTelemetry instrumentations thaw's own SDK starts with (not used with a provider the
   * application registered, which brings its own). Each is loaded after the first response, only
   * if its package (`@opentelemetry/instrumentation-pg`, `-ioredis`, `-http`) is installed, and
   * also patches the modules loaded before it. `http` traces outgoing calls only: incoming
   * requests have thaw's own SERVER span. Env: `THAW_OTEL_INSTRUMENTATIONS`, a comma-separated
   * list, or `none`.
   * @default ['pg', 'ioredis']
   */
  readonly instrumentations?: readonly TracingInstrumentation[];
  /**
   * Where telemetry problems go. Telemetry never throws into user code.
   * @default a one-line JSON `thaw.telemetry.error` on stderr
   */
  readonly onError?: (error: ThawError) => void;
}

/** Resolved tracing options: every field present. */
export type ResolvedTracingOptions = Required<TracingOptions>;

/**
 * The defaults of {@link TracingOptions}.
 *
 * @example
 * ```ts
 * const delay = options.sdkIdleDelayMs ?? defaultTracingOptions.sdkIdleDelayMs;
 * ```
 */
export const defaultTracingOptions: ResolvedTracingOptions = {
  sdkIdleDelayMs: 1000,
  sdkQuietMs: 100,
  flushTimeoutMs: 3000,
  invocationBufferSize: 64,
  instrumentations: ['pg', 'ioredis'],
  onError: logTelemetryError,
};

/**
 * Resolves options: code first, then the environment, then the defaults. Throws a
 * `ConfigError` naming the option (or variable) and the value when one is not allowed.
 *
 * @example
 * ```ts
 * const resolved = resolveTracingOptions({ flushTimeoutMs: 500 }, process.env);
 * ```
 */
export function resolveTracingOptions(
  options: TracingOptions,
  env: NodeJS.ProcessEnv,
): ResolvedTracingOptions {
  const sdkIdleDelayMs =
    options.sdkIdleDelayMs ??
    envInteger(env, 'THAW_OTEL_IDLE_DELAY_MS') ??
    defaultTracingOptions.sdkIdleDelayMs;
  const sdkQuietMs =
    options.sdkQuietMs ?? envInteger(env, 'THAW_OTEL_QUIET_MS') ?? defaultTracingOptions.sdkQuietMs;
  const flushTimeoutMs =
    options.flushTimeoutMs ??
    envInteger(env, 'THAW_OTEL_FLUSH_TIMEOUT_MS') ??
    defaultTracingOptions.flushTimeoutMs;
  const invocationBufferSize = options.invocationBufferSize ?? defaultTracingOptions.invocationBufferSize;
  checkInteger('sdkIdleDelayMs', sdkIdleDelayMs, 0);
  checkInteger('sdkQuietMs', sdkQuietMs, 0);
  checkInteger('flushTimeoutMs', flushTimeoutMs, 1);
  checkInteger('invocationBufferSize', invocationBufferSize, 0);
  const instrumentations = checkInstrumentations(
    'instrumentations',
    options.instrumentations ??
      envList(env, 'THAW_OTEL_INSTRUMENTATIONS') ??
      defaultTracingOptions.instrumentations,
  );
  // Read where the runtime is first imported (the profile must start before serve() is called);
  // checked here so that a mistyped value is reported instead of silently doing nothing.
  const moduleSpans = env[moduleSpansVariable];
  if (moduleSpans !== undefined && !['', '0', '1'].includes(moduleSpans)) {
    throw new ConfigError(moduleSpansVariable, moduleSpans, '1 (module-load spans on) or 0 (off)');
  }
  if (options.onError !== undefined && typeof options.onError !== 'function') {
    throw new ConfigError('onError', options.onError, 'a function');
  }
  return {
    sdkIdleDelayMs,
    sdkQuietMs,
    flushTimeoutMs,
    invocationBufferSize,
    instrumentations,
    onError: options.onError ?? defaultTracingOptions.onError,
  };
}

function envInteger(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, raw, 'a whole number of milliseconds');
  return Number(raw.trim());
}

function envList(env: NodeJS.ProcessEnv, name: string): readonly string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (raw.trim() === 'none') return [];
  const items = raw.split(',').map((item) => item.trim());
  for (const item of items) {
    if (!(tracingInstrumentations as readonly string[]).includes(item)) {
      throw new ConfigError(
        name,
        raw,
        `a comma-separated list of ${tracingInstrumentations.join(', ')}, or none`,
      );
    }
  }
  return items;
}

function checkInstrumentations(option: string, value: unknown): readonly TracingInstrumentation[] {
  const allowed = tracingInstrumentations as readonly unknown[];
  const expected = `an array of ${tracingInstrumentations.map((n) => `'${n}'`).join(', ')}`;
  if (!Array.isArray(value)) throw new ConfigError(option, value, expected);
  const unknown = (value as unknown[]).find((item) => !allowed.includes(item));
  if (unknown !== undefined) throw new ConfigError(option, unknown, `each item one of ${expected.slice(12)}`);
  return [...new Set(value as TracingInstrumentation[])];
}

function checkInteger(option: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(option, value, `an integer of at least ${min}`);
  }
}

/** The default error handler: one JSON line on stderr, never a throw. */
export function logTelemetryError(error: ThawError): void {
  const cause = error.cause instanceof Error ? redactSecrets(error.cause.message) : undefined;
  const line = JSON.stringify({
    event: 'thaw.telemetry.error',
    code: error.code,
    message: redactSecrets(error.message),
    ...(cause === undefined ? {} : { cause }),
  });
  try {
    process.stderr.write(`${line}\n`);
  } catch {
    // stderr closed: nowhere left to report, and telemetry must not throw.
  }
}
