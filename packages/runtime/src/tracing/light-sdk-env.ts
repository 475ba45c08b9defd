// The standard `OTEL_*` settings of the trace SDK, read for the light path the way the
// OpenTelemetry environment-variable specification defines them (sdk-node reads the same ones):
// the sampler, span limits and batch span processor settings. A malformed value is reported and
// its default used, as the SDK does.
import type * as otelSdkTrace from '@opentelemetry/sdk-trace';

type SdkTrace = typeof otelSdkTrace;

/** The parts of the tracer provider's configuration that come from the environment. */
export interface TraceSdkSettings {
  readonly sampler: otelSdkTrace.Sampler | undefined;
  readonly spanLimits: otelSdkTrace.SpanLimits;
  readonly batch: {
    readonly maxQueueSize?: number;
    readonly scheduledDelayMillis?: number;
    readonly exportTimeoutMillis?: number;
    readonly maxExportBatchSize?: number;
  };
}

/**
 * Reads `OTEL_TRACES_SAMPLER` (+ `_ARG`), the span limit variables and `OTEL_BSP_*`. `problem`
 * receives a sentence for each value that is not understood (then its default applies).
 *
 * @example
 * ```ts
 * const { sampler } = traceSdkSettings(sdkTrace, { OTEL_TRACES_SAMPLER: 'always_off' }, console.warn);
 * ```
 */
export function traceSdkSettings(
  sdk: SdkTrace,
  env: NodeJS.ProcessEnv,
  problem: (message: string) => void,
): TraceSdkSettings {
  const number = (name: string): number | undefined => numberFrom(env, name, problem);
  const positive = (name: string): number | undefined => {
    const found = number(name);
    if (found === undefined || found > 0) return found;
    problem(`${name}=${found} is not a number greater than 0; its default is used.`);
    return undefined;
  };
  const limits: Record<string, number | undefined> = {
    attributeCountLimit: number('OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT') ?? number('OTEL_ATTRIBUTE_COUNT_LIMIT'),
    attributeValueLengthLimit:
      number('OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT') ?? number('OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'),
    eventCountLimit: number('OTEL_SPAN_EVENT_COUNT_LIMIT'),
    linkCountLimit: number('OTEL_SPAN_LINK_COUNT_LIMIT'),
    attributePerEventCountLimit: number('OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT'),
    attributePerLinkCountLimit: number('OTEL_LINK_ATTRIBUTE_COUNT_LIMIT'),
  };
  const batch: Record<string, number | undefined> = {
    maxQueueSize: positive('OTEL_BSP_MAX_QUEUE_SIZE'),
    scheduledDelayMillis: positive('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: positive('OTEL_BSP_EXPORT_TIMEOUT'),
    maxExportBatchSize: positive('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  };
  return {
    sampler: samplerFrom(sdk, env, problem),
    spanLimits: definedOnly(limits),
    batch: definedOnly(batch),
  };
}

function samplerFrom(
  sdk: SdkTrace,
  env: NodeJS.ProcessEnv,
  problem: (message: string) => void,
): otelSdkTrace.Sampler | undefined {
  const name = env['OTEL_TRACES_SAMPLER']?.trim().toLowerCase();
  if (name === undefined || name === '') return undefined;
  const ratio = (): number => {
    const found = numberFrom(env, 'OTEL_TRACES_SAMPLER_ARG', problem);
    if (found !== undefined && found >= 0 && found <= 1) return found;
    problem(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1 for ${name}; 1 is used.`);
    return 1;
  };
  const parentBased = (root: otelSdkTrace.Sampler): otelSdkTrace.Sampler =>
    new sdk.ParentBasedSampler({ root });
  switch (name) {
    case 'always_on':
      return new sdk.AlwaysOnSampler();
    case 'always_off':
      return new sdk.AlwaysOffSampler();
    case 'traceidratio':
      return new sdk.TraceIdRatioBasedSampler(ratio());
    case 'parentbased_always_on':
      return parentBased(new sdk.AlwaysOnSampler());
    case 'parentbased_always_off':
      return parentBased(new sdk.AlwaysOffSampler());
    case 'parentbased_traceidratio':
      return parentBased(new sdk.TraceIdRatioBasedSampler(ratio()));
    default:
      problem(
        `OTEL_TRACES_SAMPLER=${name} is not a sampler thaw knows (always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio); the default parentbased_always_on is used.`,
      );
      return undefined;
  }
}

function numberFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  problem: (message: string) => void,
): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  const parsed = Number(raw);
  if (Number.isFinite(parsed)) return parsed;
  problem(`${name}=${raw} is not a number; its default is used.`);
  return undefined;
}

function definedOnly(values: Record<string, number | undefined>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const [key, found] of Object.entries(values)) if (found !== undefined) result[key] = found;
  return result;
}
