// Getting a tracer, late. Either the user already registered a tracer provider through
// `@opentelemetry/api` (found through the API's global, without loading anything), or thaw
// starts an SDK itself: the light path (light-sdk.ts) unless an `OTEL_*` variable asks for what
// only `@opentelemetry/sdk-node` provides (sdk-choice.ts). Everything is loaded with import()
// only when this runs, which is after the first response (see install.ts).
import type * as otelApi from '@opentelemetry/api';
import { PeerMissingError, ThawError } from '../errors.ts';
import { otlpTracesEndpoint } from './collector-refusal.ts';
import { environmentChoosesExporter, loadFullSdk, prepareFullSdk } from './full-sdk.ts';
import { importPeer } from './import-peer.ts';
import {
  loadInstrumentations,
  patchLoadedModules,
  patchLoadedModulesPaced,
  type Instrumentation,
  type TracingInstrumentation,
} from './instrumentations.ts';
import { loadLightSdk, prepareLightSdk, type LightSdkModules } from './light-sdk.ts';
import { unpaced, type Pace } from './load-pacer.ts';
import { PresetIdGenerator, type SpanIds } from './preset-ids.ts';
import { chooseSdk, type SdkPath } from './sdk-choice.ts';
import { routeDiagnostics } from './sdk-diagnostics.ts';
import { preloadSendPath } from './send-path.ts';
import type { SdkStart, StartedSdk } from './sdk-start.ts';
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
  /** Which SDK thaw started (its own only): `light`, or `full` (`@opentelemetry/sdk-node`). */
  readonly sdkPath?: SdkPath;
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

/** What {@link thawTelemetry} is given. */
export interface ThawTelemetryOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly resourceAttributes: Readonly<Record<string, string | number>>;
  readonly serviceVersion: string | undefined;
  /** Instrumentations to start the SDK with; modules loaded before them are patched too. */
  readonly instrumentations: readonly TracingInstrumentation[];
  /** Receives the errors the SDK reports (failed exports), unless OTEL_LOG_LEVEL is set. */
  readonly onError: (error: ThawError) => void;
}

const feature = 'Tracing with thaw’s own OpenTelemetry SDK';

/**
 * Starts thaw's own SDK: the light path (tracer provider, batch span processor, OTLP/HTTP JSON
 * exporter) unless `OTEL_*` variables ask for the full `@opentelemetry/sdk-node`. Endpoint,
 * headers, sampler, limits and batch settings come from the usual `OTEL_*` variables.
 *
 * @example
 * ```ts
 * const telemetry = await thawTelemetry({ env: process.env, resourceAttributes, serviceVersion, instrumentations: ['pg'], onError });
 * ```
 */
export async function thawTelemetry(options: ThawTelemetryOptions, pace: Pace = unpaced): Promise<Telemetry> {
  const { env, onError } = options;
  // Dependencies first: each import() then evaluates only its own package's modules.
  await pace();
  const api = await importPeer<OtelApi>('@opentelemetry/api', () => import('@opentelemetry/api'), feature);
  const sdk = await loadSdk(env, pace);
  await preloadSendPath(thawCollectorEndpoint(env), pace);
  const loaded = await loadInstrumentations(options.instrumentations, undefined, pace);
  for (const problem of loaded.problems) onError(problem);
  const ids = new PresetIdGenerator();
  const start: SdkStart = {
    api,
    env,
    resourceAttributes: options.resourceAttributes,
    instrumentations: loaded.instrumentations,
    idGenerator: ids,
    problem: (message) => {
      onError(new ThawError('THAW_TELEMETRY_FAILED', `OpenTelemetry configuration: ${message}`));
    },
  };
  await pace();
  routeDiagnostics(api, env, onError, sdk.path === 'light');
  // Everything but the registration is built in steps of its own, the modules loaded before the
  // instrumentations patched one per step: no step is long enough to hold a probe.
  const register = await sdk.prepare(start, pace);
  await patchSafely(loaded.instrumentations, onError, pace);
  await pace();
  // Registering is the last step, and from it to the return nothing else may run: an invocation
  // starting after the provider is registered but before the tracer is handed over would take it
  // for the application's.
  const started = register();
  return {
    api,
    tracer: api.trace.getTracer(thawTracerName, options.serviceVersion),
    source: 'thaw',
    sdkPath: sdk.path,
    flush: () => started.shutdown(),
    ...(started.collectorEndpoint === undefined ? {} : { collectorEndpoint: started.collectorEndpoint }),
    patchLoadedModules: () => {
      patchLoadedModules(loaded.instrumentations);
    },
    withSpanIds: (preset, spanStart) => ids.with(preset, spanStart),
  };
}

/**
 * Where thaw's own SDK will send spans, known before any of it is loaded: the OTLP/HTTP
 * endpoint from `OTEL_*`, or undefined when the environment has sdk-node choose the exporter.
 *
 * @example
 * ```ts
 * thawCollectorEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }); // 'http://127.0.0.1:4318/v1/traces'
 * ```
 */
export function thawCollectorEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  return chooseSdk(env).path === 'full' && environmentChoosesExporter(env)
    ? undefined
    : otlpTracesEndpoint(env);
}

/** An SDK's packages, loaded, and how to build it (in paced steps) and then register it. */
interface LoadedSdk {
  readonly path: SdkPath;
  readonly prepare: (start: SdkStart, pace: Pace) => Promise<() => StartedSdk>;
}

// The light path unless the environment asks for more; a function that installed sdk-node but
// not the light path's packages (a package manager that does not hoist) still gets the full SDK.
// sdk-node installs the console logger itself when OTEL_LOG_LEVEL is set.
async function loadSdk(env: NodeJS.ProcessEnv, pace: Pace): Promise<LoadedSdk> {
  const full = async (): Promise<LoadedSdk> => {
    const modules = await loadFullSdk(env, feature, pace);
    return { path: 'full', prepare: (start) => Promise.resolve(prepareFullSdk(modules, start)) };
  };
  if (chooseSdk(env).path === 'full') return full();
  let modules: LightSdkModules;
  try {
    modules = await loadLightSdk(feature, pace);
  } catch (error) {
    if (!(error instanceof PeerMissingError)) throw error;
    return full().catch(() => {
      throw error;
    });
  }
  return { path: 'light', prepare: (start, steps) => prepareLightSdk(modules, start, steps) };
}

async function patchSafely(
  instrumentations: readonly Instrumentation[],
  onError: (error: ThawError) => void,
  pace: Pace,
): Promise<void> {
  try {
    await patchLoadedModulesPaced(instrumentations, pace);
  } catch (error) {
    onError(
      new ThawError(
        'THAW_TELEMETRY_FAILED',
        'Instrumenting the modules loaded before the OpenTelemetry SDK failed; their calls are not traced.',
        { cause: error },
      ),
    );
  }
}
