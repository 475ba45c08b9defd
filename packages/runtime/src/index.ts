// The public surface of @thaw/runtime. Named re-exports only; nothing here may load a heavy
// module at import time (pg, ioredis, cloudevents and OpenTelemetry load on first use).
export {
  ThawError,
  ConfigError,
  PeerMissingError,
  EventInvalidError,
  BodyTooLargeError,
  HttpError,
  redactSecrets,
} from './errors.ts';
export type { ThawErrorCode } from './errors.ts';
export { startupReportVersion } from './startup/report-types.ts';
export type { StartupReport, ReadyMessage, StartupReportMessage } from './startup/report-types.ts';
export type { StartupMark } from './startup/marks.ts';
export { serve } from './serve.ts';
export type { ServerHandle } from './serve.ts';
export type { ServerAddress, ServerPhase } from './server-state.ts';
export { defaultServeOptions } from './options.ts';
export type { ServeOptions, StartupReportMode } from './options.ts';
export { fromNodeListener, cloudEvent } from './handlers/kinds.ts';
export type {
  Handler,
  WebHandler,
  NodeListener,
  NodeListenerHandler,
  CloudEventFunction,
  CloudEventHandler,
} from './handlers/kinds.ts';
export type { ReceivedCloudEvent, CloudEventInit, CloudEventAttributeValue } from './cloud-events/types.ts';
export { contextOf } from './context.ts';
export type { InvocationContext } from './context.ts';
export { init, defaultInitOptions } from './init.ts';
export type { Initializer, InitOptions, InitContext } from './init.ts';
export { defaultRetryOptions } from './init-backoff.ts';
export type { RetryOptions } from './init-backoff.ts';
export type { InitWhen, InitState, InitializerStatus } from './init-registry.ts';
export type { ReadinessReport } from './health.ts';
export { readKnativeEnv } from './knative.ts';
export type { KnativeEnv } from './knative.ts';
export { publish, defaultPublishOptions } from './cloud-events/publish.ts';
export type { PublishOptions } from './cloud-events/publish.ts';
export { startup } from './startup/measure.ts';
export { lifecycle, whenReady, onShutdown, onFlush, wrapInvocations } from './lifecycle.ts';
export type {
  LifecycleView,
  ReadyTask,
  Disposer,
  InvocationInfo,
  InvocationOutcome,
  InvocationWrapper,
  ExtraRoute,
  ReadinessCheck,
  StatsProvider,
} from './lifecycle.ts';
export { jsonLogger } from './logger.ts';
export type { Logger, LogFields } from './logger.ts';
export { installMetrics, defaultMetricsOptions } from './metrics/metrics.ts';
export type { MetricsOptions } from './metrics/metrics.ts';
