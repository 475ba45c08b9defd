// thaw's light OpenTelemetry setup: what `@opentelemetry/sdk-node` would register for a traced
// function with the OTLP/HTTP (JSON) exporter, built from the packages that do the work —
// `@opentelemetry/sdk-trace` (tracer provider, batch span processor, samplers),
// `@opentelemetry/exporter-trace-otlp-http`, `@opentelemetry/resources`, `@opentelemetry/core`
// (W3C propagators) and `@opentelemetry/context-async-hooks` — without sdk-node's metrics, logs,
// gRPC and protobuf exporters, which load about as much code again. `sdk-choice.ts` decides when
// the full SDK is needed instead.
import { createRequire } from 'node:module';
import type * as otelContext from '@opentelemetry/context-async-hooks';
import type * as otelCore from '@opentelemetry/core';
import type * as otlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as otelResources from '@opentelemetry/resources';
import type * as otelSdkTrace from '@opentelemetry/sdk-trace';
import { otlpTracesEndpoint } from './collector-refusal.ts';
import { importPeer } from './import-peer.ts';
import { unpaced, type Pace } from './load-pacer.ts';
import { traceSdkSettings } from './light-sdk-env.ts';
import type { SdkStart, StartedSdk } from './sdk-start.ts';

/** The packages of the light path, loaded. */
export interface LightSdkModules {
  readonly sdkTrace: typeof otelSdkTrace;
  readonly core: typeof otelCore;
  readonly resources: typeof otelResources;
  readonly context: typeof otelContext;
  readonly otlpHttp: typeof otlpHttp;
}

/** The packages the light path loads, in the order it loads them (their dependencies first). */
export const lightSdkPackages = [
  '@opentelemetry/core',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/exporter-trace-otlp-http',
] as const;

const exporterPackage = lightSdkPackages[4];
const transformerPath = [exporterPackage, '@opentelemetry/otlp-transformer'];

/**
 * Every step of the light path's load, in order: its packages, and before each the packages it
 * imports (found through `via`, the packages that lead to them), so that no single import()
 * runs a large graph. The OTLP exporter alone would bring the transformer, the exporter base and
 * the logs and metrics SDKs the transformer imports.
 */
export const lightSdkLoadOrder = [
  '@opentelemetry/semantic-conventions',
  lightSdkPackages[0],
  lightSdkPackages[1],
  lightSdkPackages[2],
  lightSdkPackages[3],
  '@opentelemetry/sdk-logs',
  '@opentelemetry/sdk-metrics',
  '@opentelemetry/otlp-transformer',
  '@opentelemetry/otlp-exporter-base',
  exporterPackage,
] as const;

/**
 * Loads the light path's packages one at a time, in {@link lightSdkLoadOrder}, calling `pace`
 * before each; a missing one of {@link lightSdkPackages} is a `PeerMissingError` naming it.
 *
 * @example
 * ```ts
 * const modules = await loadLightSdk('Tracing with thaw’s own OpenTelemetry SDK', pacer.pace);
 * ```
 */
export async function loadLightSdk(feature: string, pace: Pace = unpaced): Promise<LightSdkModules> {
  // Literal specifiers, so that a bundler keeps each one a lazy chunk of its own.
  await preload(
    ['@opentelemetry/core', '@opentelemetry/semantic-conventions'],
    pace,
    () => import('@opentelemetry/semantic-conventions'),
  );
  await pace();
  const core = await importPeer(lightSdkPackages[0], () => import('@opentelemetry/core'), feature);
  await pace();
  const resources = await importPeer(lightSdkPackages[1], () => import('@opentelemetry/resources'), feature);
  await pace();
  const sdkTrace = await importPeer(lightSdkPackages[2], () => import('@opentelemetry/sdk-trace'), feature);
  await pace();
  const context = await importPeer(
    lightSdkPackages[3],
    () => import('@opentelemetry/context-async-hooks'),
    feature,
  );
  await preload(
    [...transformerPath, '@opentelemetry/sdk-logs'],
    pace,
    () => import('@opentelemetry/sdk-logs'),
  );
  await preload(
    [...transformerPath, '@opentelemetry/sdk-metrics'],
    pace,
    () => import('@opentelemetry/sdk-metrics'),
  );
  await preload(transformerPath, pace, () => import('@opentelemetry/otlp-transformer'));
  await preload(
    [exporterPackage, '@opentelemetry/otlp-exporter-base'],
    pace,
    () => import('@opentelemetry/otlp-exporter-base'),
  );
  await pace();
  const otlpHttp = await importPeer(
    lightSdkPackages[4],
    () => import('@opentelemetry/exporter-trace-otlp-http'),
    feature,
  );
  return { core, resources, sdkTrace, context, otlpHttp };
}

// Loads, as a step of its own, a package that one of the light path's packages imports — only
// when the specifier, resolved from here, is the very copy that package would get (the last of
// `via`, resolved through the ones before it): another copy would only be loaded for nothing.
// Nothing is reported here: a package that cannot be loaded fails the import that needs it.
async function preload(via: readonly string[], pace: Pace, load: () => Promise<unknown>): Promise<void> {
  await pace();
  if (!sameCopy(via)) return;
  await load().catch(() => undefined);
}

function sameCopy(via: readonly string[]): boolean {
  const here = createRequire(import.meta.url);
  const last = via[via.length - 1];
  if (last === undefined) return false;
  let from = here;
  let file = '';
  try {
    for (const name of via) {
      file = from.resolve(name);
      from = createRequire(file);
    }
    return here.resolve(last) === file;
  } catch {
    return false;
  }
}

/**
 * Builds the light path's tracer provider (batch span processor → OTLP/HTTP exporter, sampler and
 * limits from `OTEL_*`), the async-hooks context manager, the W3C propagators `OTEL_PROPAGATORS`
 * names (default `tracecontext,baggage`) and the resource sdk-node would detect (service
 * instance, process, host, os, then `OTEL_RESOURCE_ATTRIBUTES` / `OTEL_SERVICE_NAME` over thaw's
 * attributes), and hands the instrumentations the provider — in steps, calling `pace` between
 * two, and registering nothing. Resolves with the function that registers it all with
 * `@opentelemetry/api`, which the caller runs at the moment it hands the tracer over.
 *
 * @example
 * ```ts
 * const register = await prepareLightSdk(await loadLightSdk(feature, pacer.pace), start, pacer.pace);
 * const sdk = register();
 * await sdk.shutdown();
 * ```
 */
export async function prepareLightSdk(
  modules: LightSdkModules,
  start: SdkStart,
  pace: Pace = unpaced,
): Promise<() => StartedSdk> {
  const { api, env } = start;
  const { sdkTrace, resources } = modules;
  const settings = traceSdkSettings(sdkTrace, env, start.problem);
  const exporter = new modules.otlpHttp.OTLPTraceExporter();
  await pace();
  const resource = lightResource(resources, start.resourceAttributes);
  await pace();
  const provider = new sdkTrace.TracerProvider({
    resource,
    spanProcessors: [new sdkTrace.BatchSpanProcessor({ exporter, ...settings.batch })],
    spanLimits: settings.spanLimits,
    idGenerator: start.idGenerator,
    ...(settings.sampler === undefined ? {} : { sampler: settings.sampler }),
  });
  const contextManager = new modules.context.AsyncLocalStorageContextManager();
  const propagator = lightPropagator(modules.core, env);
  await pace();
  enableInstrumentations(start.instrumentations, provider);
  return () => {
    contextManager.enable();
    api.context.setGlobalContextManager(contextManager);
    if (propagator !== undefined) api.propagation.setGlobalPropagator(propagator);
    api.trace.setGlobalTracerProvider(provider);
    return { shutdown: () => provider.shutdown(), collectorEndpoint: otlpTracesEndpoint(env) };
  };
}

function lightResource(
  resources: typeof otelResources,
  attributes: Readonly<Record<string, string | number>>,
): otelResources.Resource {
  const detected = resources.detectResources({
    detectors: [
      resources.serviceInstanceIdDetector,
      resources.processDetector,
      resources.hostDetector,
      resources.osDetector,
      // OTEL_SERVICE_NAME wins over a service.name in OTEL_RESOURCE_ATTRIBUTES.
      resources.resourceAttributesEnvDetector,
      resources.serviceNameEnvDetector,
    ],
  });
  return resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ ...attributes }))
    .merge(detected);
}

function lightPropagator(
  core: typeof otelCore,
  env: NodeJS.ProcessEnv,
): otelCore.CompositePropagator | undefined {
  const names = (env['OTEL_PROPAGATORS'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== '');
  const chosen = names.length === 0 ? ['tracecontext', 'baggage'] : names;
  if (chosen.includes('none')) return undefined;
  const propagators = [];
  if (chosen.includes('tracecontext')) propagators.push(new core.W3CTraceContextPropagator());
  if (chosen.includes('baggage')) propagators.push(new core.W3CBaggagePropagator());
  return new core.CompositePropagator({ propagators });
}

// What `registerInstrumentations` of `@opentelemetry/instrumentation` does, through the
// instrumentations' public methods: each instrumentation package brings its own copy of that
// package, so thaw needs none of its own.
function enableInstrumentations(instrumentations: readonly object[], tracerProvider: unknown): void {
  for (const instrumentation of instrumentations) {
    const methods = instrumentation as {
      setTracerProvider?: (provider: unknown) => void;
      getConfig?: () => { enabled?: boolean };
      enable?: () => void;
    };
    methods.setTracerProvider?.(tracerProvider);
    if (methods.getConfig?.().enabled !== true) methods.enable?.();
  }
}
