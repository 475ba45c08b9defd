// The public surface of @thaw/runtime. Named re-exports only; nothing here may load a heavy
// module at import time (pg, ioredis, cloudevents and OpenTelemetry load on first use).
export { ThawError, ConfigError, PeerMissingError, redactSecrets } from './errors.ts';
export type { ThawErrorCode } from './errors.ts';
export { startupReportVersion } from './startup/report-types.ts';
export type { StartupReport, ReadyMessage, StartupReportMessage } from './startup/report-types.ts';
export type { StartupMark } from './startup/marks.ts';
export { installMetrics, defaultMetricsOptions } from './tracing/metrics.ts';
export type { MetricsOptions } from './tracing/metrics.ts';
