// What both of thaw's SDK setups (the light path and `@opentelemetry/sdk-node`) are given, and
// what they hand back.
import type * as otelApi from '@opentelemetry/api';
import type { Instrumentation } from './instrumentations.ts';
import type { PresetIdGenerator } from './preset-ids.ts';

/** The inputs of an SDK setup. */
export interface SdkStart {
  readonly api: typeof otelApi;
  readonly env: NodeJS.ProcessEnv;
  /** thaw's resource attributes; `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_SERVICE_NAME` win over them. */
  readonly resourceAttributes: Readonly<Record<string, string | number>>;
  readonly instrumentations: readonly Instrumentation[];
  readonly idGenerator: PresetIdGenerator;
  /** Receives a sentence for each configuration value that is not understood. */
  readonly problem: (message: string) => void;
}

/** A started SDK. */
export interface StartedSdk {
  /** Exports what is pending, then stops. */
  readonly shutdown: () => Promise<void>;
  /** Where thaw's own OTLP/HTTP exporter sends spans; absent when the SDK chose the exporter. */
  readonly collectorEndpoint?: string;
}
