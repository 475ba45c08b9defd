// The full `@opentelemetry/sdk-node`, for configurations the light path does not cover (another
// trace exporter or protocol, B3 propagators, metrics or logs exporters, chosen resource
// detectors): see `sdk-choice.ts`. With no exporter chosen by the environment it gets thaw's
// OTLP/HTTP (JSON) exporter, as the light path does.
import type * as otlpHttp from '@opentelemetry/exporter-trace-otlp-http';
import type * as otelResources from '@opentelemetry/resources';
import type * as otelSdkNode from '@opentelemetry/sdk-node';
import { otlpTracesEndpoint } from './collector-refusal.ts';
import { importPeer } from './import-peer.ts';
import { unpaced, type Pace } from './load-pacer.ts';
import type { SdkStart, StartedSdk } from './sdk-start.ts';

/** The full path's packages, loaded; `otlpHttp` only when thaw picks the exporter. */
export interface FullSdkModules {
  readonly sdkNode: typeof otelSdkNode;
  readonly otlpHttp: typeof otlpHttp | undefined;
  readonly resources: typeof otelResources | undefined;
}

/** Variables with which the environment chooses the trace exporter (then sdk-node reads them). */
const exporterChoiceVariables = [
  'OTEL_TRACES_EXPORTER',
  'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
  'OTEL_EXPORTER_OTLP_PROTOCOL',
];

/**
 * Loads `@opentelemetry/sdk-node` (and, unless the environment chooses the exporter, the OTLP/HTTP
 * exporter), calling `pace` before each package; a missing one is a `PeerMissingError` naming it.
 *
 * @example
 * ```ts
 * const modules = await loadFullSdk(process.env, 'Tracing', pacer.pace);
 * ```
 */
export async function loadFullSdk(
  env: NodeJS.ProcessEnv,
  feature: string,
  pace: Pace = unpaced,
): Promise<FullSdkModules> {
  await pace();
  const sdkNode = await importPeer(
    '@opentelemetry/sdk-node',
    () => import('@opentelemetry/sdk-node'),
    feature,
  );
  const choosesExporter = environmentChoosesExporter(env);
  if (!choosesExporter) await pace();
  const otlp = choosesExporter
    ? undefined
    : await importPeer(
        '@opentelemetry/exporter-trace-otlp-http',
        () => import('@opentelemetry/exporter-trace-otlp-http'),
        feature,
      );
  // It comes with sdk-node; when the package layout hides it, the SDK's own detectors still name
  // the service, so its absence is not an error.
  const resources = await import('@opentelemetry/resources').catch(() => undefined);
  return { sdkNode, otlpHttp: otlp, resources };
}

/**
 * Builds sdk-node with the instrumentations, thaw's resource attributes and ids (metrics and logs
 * stay off unless `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` ask for them), registering
 * nothing; the function it returns starts it, which registers it with `@opentelemetry/api`.
 *
 * @example
 * ```ts
 * const sdk = prepareFullSdk(await loadFullSdk(env, feature), start)();
 * ```
 */
export function prepareFullSdk(modules: FullSdkModules, start: SdkStart): () => StartedSdk {
  const { env } = start;
  type SdkConfig = ConstructorParameters<typeof modules.sdkNode.NodeSDK>[0] & object;
  const config: SdkConfig = {
    // Each instrumentation package may carry its own copy of @opentelemetry/instrumentation,
    // whose classes TypeScript sees as distinct; the SDK only calls their public methods.
    instrumentations: start.instrumentations as SdkConfig['instrumentations'] & object,
    idGenerator: start.idGenerator,
  };
  if (modules.otlpHttp !== undefined) config.traceExporter = new modules.otlpHttp.OTLPTraceExporter();
  if (!isSet(env['OTEL_METRICS_EXPORTER'])) config.metricReaders = [];
  if (!isSet(env['OTEL_LOGS_EXPORTER'])) config.logRecordProcessors = [];
  const { resources } = modules;
  if (resources !== undefined) {
    config.resource = resources
      .defaultResource()
      .merge(resources.resourceFromAttributes({ ...start.resourceAttributes }));
  } else if (!isSet(env['OTEL_SERVICE_NAME'])) {
    const name = start.resourceAttributes['service.name'];
    if (typeof name === 'string') config.serviceName = name;
  }
  const sdk = new modules.sdkNode.NodeSDK(config);
  return () => {
    sdk.start();
    return {
      shutdown: () => sdk.shutdown(),
      ...(modules.otlpHttp === undefined ? {} : { collectorEndpoint: otlpTracesEndpoint(env) }),
    };
  };
}

/**
 * Whether `OTEL_TRACES_EXPORTER` or an OTLP protocol variable is set: then sdk-node, if it is the
 * SDK started, builds the exporter itself instead of thaw's OTLP/HTTP one.
 *
 * @example
 * ```ts
 * environmentChoosesExporter({ OTEL_TRACES_EXPORTER: 'zipkin' }); // true
 * ```
 */
export function environmentChoosesExporter(env: NodeJS.ProcessEnv): boolean {
  return exporterChoiceVariables.some((name) => isSet(env[name]));
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value.trim() !== '';
}
