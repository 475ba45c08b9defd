// Getting a tracer, late. Either the user already registered a tracer provider through
// `@opentelemetry/api` (found through the API's global, without loading anything), or thaw
// starts `@opentelemetry/sdk-node` itself with the OTLP/HTTP exporter. Both are loaded with
// import() only when this runs, which is after the first response (see install.ts).
import type * as otelApi from '@opentelemetry/api';
import type * as otelResources from '@opentelemetry/resources';
import type * as otelSdkNode from '@opentelemetry/sdk-node';
import type * as otlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import { PeerMissingError, ThawError } from '../errors.ts';
import { otlpTracesEndpoint } from './collector-refusal.ts';
import { loadInstrumentations, patchLoadedModules, type TracingInstrumentation } from './instrumentations.ts';
import { PresetIdGenerator, type SpanIds } from './preset-ids.ts';
import { thawTracerName } from './semconv.ts';
import { openTelemetryApiKey } from '../process-keys.ts';

/** The `@opentelemetry/api` module, loaded late. */
export type OtelApi = typeof otelApi;

/** A tracer and how to flush what it recorded. */
export interface Telemetry {
  readonly api: OtelApi;
  readonly tracer: otelApi.Tracer;
  /** `user`: a provider the application registered; `thaw`: the SDK thaw started. */
  readonly source: 'user' | 'thaw';
  /** Exports pending spans; for thaw's own SDK, also shuts it down. Not bounded here. */
  readonly flush: () => Promise<void>;
  /** Where thaw's own OTLP/HTTP exporter sends spans; absent for any other exporter. */
  readonly collectorEndpoint?: string;
  /**
   * Hands modules loaded since the SDK started to the instrumentations' hooks (thaw's own SDK
   * only); see `patchLoadedModules`.
   */
  readonly patchLoadedModules?: () => void;
  /**
   * Runs `start` (which starts one span) so that the span gets exactly these ids (thaw's own SDK
   * only): a replayed invocation keeps the ids it sent on while it ran.
   */
  readonly withSpanIds?: <T>(ids: SpanIds, start: () => T) => T;
}

/**
 * Whether a tracer provider is registered with `@opentelemetry/api` in this process, read from
 * the API's global so that asking costs no import.
 *
 * @example
 * ```ts
 * if (hasRegisteredTracerProvider()) console.log('using the application’s tracer provider');
 * ```
 */
export function hasRegisteredTracerProvider(): boolean {
  const holder = globalThis as { [openTelemetryApiKey]?: { trace?: unknown } | null | undefined };
  const api = holder[openTelemetryApiKey];
  return typeof api === 'object' && api !== null && api.trace !== undefined;
}

/** Which environment variables choose the trace exporter themselves (then sdk-node reads them). */
const exporterChoiceVariables = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
];
/** Metrics and logs stay off unless these ask for them: thaw's SDK is there for traces. */
const metricsChoiceVariable = 'OTEL_METRICS_EXPORTER';
const logsChoiceVariable = 'OTEL_LOGS_EXPORTER';

/** Uses the application's registered tracer provider. */
export async function userTelemetry(serviceVersion: string | undefined): Promise<Telemetry> {
  const api = await importPeer<OtelApi>('@opentelemetry/api', () => import('@opentelemetry/api'));
  const tracer = api.trace.getTracer(thawTracerName, serviceVersion);
  return {
    api,
    tracer,
    source: 'user',
    flush: async () => {
      // Only flushed, never shut down: the provider belongs to the application.
      const provider = api.trace.getTracerProvider() as { getDelegate?: () => unknown };
      const delegate = (typeof provider.getDelegate === 'function' ? provider.getDelegate() : provider) as {
        forceFlush?: () => Promise<void>;
      };
      if (typeof delegate.forceFlush === 'function') await delegate.forceFlush();
    },
  };
}

/**
 * Starts `@opentelemetry/sdk-node` with an OTLP/HTTP (JSON) trace exporter, unless the standard
 * `OTEL_TRACES_EXPORTER` / `OTEL_EXPORTER_OTLP_*PROTOCOL` variables choose another. Endpoint,
 * headers, sampler and batch settings come from the usual `OTEL_*` variables.
 */
export async function thawTelemetry(options: {
  readonly env: NodeJS.ProcessEnv;
  readonly resourceAttributes: Readonly<Record<string, string | number>>;
  readonly serviceVersion: string | undefined;
  /** Instrumentations to start the SDK with; modules loaded before them are patched too. */
  readonly instrumentations: readonly TracingInstrumentation[];
  /** Receives the errors the SDK reports (failed exports), unless OTEL_LOG_LEVEL is set. */
  readonly onError: (error: ThawError) => void;
}): Promise<Telemetry> {
  const { env } = options;
  const feature = 'Tracing with thaw’s own OpenTelemetry SDK';
  const [api, sdkNode, loaded] = await Promise.all([
    importPeer<OtelApi>('@opentelemetry/api', () => import('@opentelemetry/api'), feature),
    importPeer<typeof otelSdkNode>(
      '@opentelemetry/sdk-node',
      () => import('@opentelemetry/sdk-node'),
      feature,
    ),
    loadInstrumentations(options.instrumentations),
  ]);
  for (const problem of loaded.problems) options.onError(problem);
  type SdkConfig = ConstructorParameters<typeof sdkNode.NodeSDK>[0] & object;
  const config: SdkConfig = {
    // Each instrumentation package may carry its own copy of @opentelemetry/instrumentation,
    // whose classes TypeScript sees as distinct; the SDK only calls their public methods.
    instrumentations: loaded.instrumentations as SdkConfig['instrumentations'] & object,
  };
  let collectorEndpoint: string | undefined;
  if (!exporterChoiceVariables.some((name) => isSet(env[name]))) {
    const { OTLPTraceExporter } = await importPeer<typeof otlpHttp>(
      '@opentelemetry/exporter-trace-otlp-http',
      () => import('@opentelemetry/exporter-trace-otlp-http'),
      feature,
    );
    config.traceExporter = new OTLPTraceExporter();
    collectorEndpoint = otlpTracesEndpoint(env);
  }
  if (!isSet(env[metricsChoiceVariable])) config.metricReaders = [];
  if (!isSet(env[logsChoiceVariable])) config.logRecordProcessors = [];
  const resource = await resourceFrom(options.resourceAttributes);
  if (resource !== undefined) config.resource = resource;
  else if (!isSet(env['OTEL_SERVICE_NAME'])) {
    const name = options.resourceAttributes['service.name'];
    if (typeof name === 'string') config.serviceName = name;
  }
  if (!isSet(env['OTEL_LOG_LEVEL'])) routeDiagnostics(api, options.onError);
  const ids = new PresetIdGenerator();
  config.idGenerator = ids;
  const sdk = new sdkNode.NodeSDK(config);
  sdk.start();
  try {
    patchLoadedModules(loaded.instrumentations);
  } catch (error) {
    options.onError(
      new ThawError(
        'THAW_TELEMETRY_FAILED',
        'Instrumenting the modules loaded before the OpenTelemetry SDK failed; their calls are not traced.',
        { cause: error },
      ),
    );
  }
  return {
    api,
    tracer: api.trace.getTracer(thawTracerName, options.serviceVersion),
    source: 'thaw',
    flush: () => sdk.shutdown(),
    ...(collectorEndpoint === undefined ? {} : { collectorEndpoint }),
    patchLoadedModules: () => {
      patchLoadedModules(loaded.instrumentations);
    },
    withSpanIds: (preset, start) => ids.with(preset, start),
  };
}

/** At most this many SDK errors are reported; a dead collector would otherwise log on every export. */
export const maxReportedDiagnostics = 10;

// The SDK reports failed exports through its diagnostic logger, which is silent unless
// configured; with thaw's own SDK its errors go to the telemetry error handler instead.
function routeDiagnostics(api: OtelApi, onError: (error: ThawError) => void): void {
  let reported = 0;
  const ignore = (): void => undefined;
  api.diag.setLogger(
    {
      error: (message, ...args) => {
        reported += 1;
        if (reported > maxReportedDiagnostics) return;
        const detail = args.map((arg) =>
          arg instanceof Error ? arg.message : typeof arg === 'string' ? arg : '',
        );
        const text = [readableDiagnostic(message), ...detail].filter((part) => part !== '').join(' ');
        const suffix =
          reported === maxReportedDiagnostics ? ' Further OpenTelemetry errors are not reported.' : '';
        try {
          onError(
            new ThawError('THAW_TELEMETRY_FAILED', `OpenTelemetry reported an error: ${text}.${suffix}`),
          );
        } catch {
          // A failing error handler must not turn into an exception inside the SDK.
        }
      },
      warn: ignore,
      info: ignore,
      debug: ignore,
      verbose: ignore,
    },
    { logLevel: api.DiagLogLevel.ERROR, suppressOverrideMessage: true },
  );
}

// The SDK's error handler passes exceptions as JSON (stack included); keep what a reader needs.
function readableDiagnostic(message: string): string {
  try {
    const parsed = JSON.parse(message) as { name?: unknown; message?: unknown; code?: unknown } | null;
    if (parsed !== null && typeof parsed === 'object' && typeof parsed.message === 'string') {
      const name = typeof parsed.name === 'string' ? parsed.name : 'Error';
      const code =
        typeof parsed.code === 'string' || typeof parsed.code === 'number' ? ` (code ${parsed.code})` : '';
      return `${name}: ${parsed.message}${code}`;
    }
  } catch {
    // Not JSON: a plain message.
  }
  return message;
}

// `@opentelemetry/resources` comes with sdk-node; when the package layout hides it, the SDK's
// own detectors still name the service, so its absence is not an error.
async function resourceFrom(
  attributes: Readonly<Record<string, string | number>>,
): Promise<otelResources.Resource | undefined> {
  try {
    const resources = await import('@opentelemetry/resources');
    return resources.defaultResource().merge(resources.resourceFromAttributes({ ...attributes }));
  } catch {
    return undefined;
  }
}

async function importPeer<T>(name: string, load: () => Promise<T>, feature = 'Tracing'): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error)) throw new PeerMissingError(name, feature, { cause: error });
    throw new ThawError(
      'THAW_TELEMETRY_FAILED',
      `Loading ${name} failed; tracing stays off for this process.`,
      {
        cause: error,
      },
    );
  }
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
