// Which OpenTelemetry SDK thaw starts. The light path (a tracer provider with a batch span
// processor, the OTLP/HTTP JSON exporter, W3C propagators, async-hooks context) loads about half
// the code of `@opentelemetry/sdk-node` and covers what a function traced by thaw uses; the full
// SDK is loaded only when an `OTEL_*` variable asks for something only it provides.

/** `light`: thaw's tracer provider with the OTLP/HTTP exporter; `full`: `@opentelemetry/sdk-node`. */
export type SdkPath = 'light' | 'full';

/** Why the full SDK is needed: the variable and what it asks for. */
export interface SdkChoice {
  readonly path: SdkPath;
  /** For `full`: the variable that asks for it, as `NAME=value`. */
  readonly reason?: string;
}

/** Propagators the light path installs itself (`none`: no propagator). */
const lightPropagators = new Set(['tracecontext', 'baggage', 'none']);

/** Protocols of the light path's one exporter. */
const lightProtocols = new Set(['http/json']);

/**
 * Chooses the SDK from the environment. The light path unless one of these asks for more:
 * `OTEL_TRACES_EXPORTER` (any value but `otlp` with the `http/json` protocol),
 * `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL` other than `http/json`
 * (the OTel default when an exporter is named is `http/protobuf`), `OTEL_PROPAGATORS` beyond
 * `tracecontext`, `baggage`, `none`, `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER` other than
 * `none`, `OTEL_NODE_RESOURCE_DETECTORS`, `OTEL_SDK_DISABLED=true`.
 *
 * @example
 * ```ts
 * chooseSdk({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }); // { path: 'full', reason: 'OTEL_EXPORTER_OTLP_PROTOCOL=grpc' }
 * ```
 */
export function chooseSdk(env: NodeJS.ProcessEnv): SdkChoice {
  const reason =
    exporterReason(env) ??
    listReason(env, 'OTEL_PROPAGATORS', (name) => lightPropagators.has(name)) ??
    listReason(env, 'OTEL_METRICS_EXPORTER', (name) => name === 'none') ??
    listReason(env, 'OTEL_LOGS_EXPORTER', (name) => name === 'none') ??
    listReason(env, 'OTEL_NODE_RESOURCE_DETECTORS', () => false) ??
    listReason(env, 'OTEL_SDK_DISABLED', (flag) => flag !== 'true');
  return reason === undefined ? { path: 'light' } : { path: 'full', reason };
}

function exporterReason(env: NodeJS.ProcessEnv): string | undefined {
  const exporters = list(env, 'OTEL_TRACES_EXPORTER');
  const named = `OTEL_TRACES_EXPORTER=${value(env, 'OTEL_TRACES_EXPORTER')}`;
  if (exporters !== undefined && exporters.some((name) => name !== 'otlp')) return named;
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL']) {
    const protocol = value(env, name);
    if (protocol === undefined) continue;
    return lightProtocols.has(protocol.toLowerCase()) ? undefined : `${name}=${protocol}`;
  }
  // An exporter named without a protocol means OTLP's default protocol, http/protobuf.
  return exporters === undefined ? undefined : named;
}

function listReason(
  env: NodeJS.ProcessEnv,
  name: string,
  light: (item: string) => boolean,
): string | undefined {
  const items = list(env, name);
  return items === undefined || items.every(light) ? undefined : `${name}=${value(env, name)}`;
}

function list(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const items = value(env, name)
    ?.split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  return items === undefined || items.length === 0 ? undefined : items;
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}
