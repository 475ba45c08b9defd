// The public surface of @thaw/bench. Named re-exports only.
export { runBenchCli } from './cli/bench-command.ts';
export type { BenchCliIo } from './cli/bench-command.ts';
export { runBench, benchResultVersion } from './bench.ts';
export type { BenchResult, BenchEnvironment, BenchProgress, RunBenchHooks } from './bench.ts';
export { runColdStart } from './run.ts';
export type { RunPosition } from './run.ts';
export type {
  RunRecord,
  RunFailure,
  RunExit,
  BurstRequest,
  SteadyResult,
  RuntimeReport,
  RunMetric,
} from './run-record.ts';
export { runMetrics } from './run-record.ts';
export { defineBench, parseBenchFile, benchFileVersion } from './config.ts';
export type {
  BenchFile,
  BenchFileVariant,
  BenchPlan,
  VariantSpec,
  ReadyProbe,
  FirstRequest,
  SteadySpec,
} from './config.ts';
export { loadBenchFile, findBenchFile, benchFileNames } from './load-bench-file.ts';
export { defaultBenchOptions, resolveBenchOptions } from './options.ts';
export type { BenchOptions, ResolvedBenchOptions, RunOrder } from './options.ts';
export { buildSchedule } from './schedule.ts';
export type { ScheduledRun, ScheduleOptions } from './schedule.ts';
export { distributionOf, median, medianAbsoluteDeviation, quantileSorted } from './stats.ts';
export type { Distribution } from './stats.ts';
export { bootstrapMedian, bootstrapRatioOfMedians, defaultBootstrapOptions } from './bootstrap.ts';
export type { Interval, BootstrapOptions } from './bootstrap.ts';
export { seededRandom } from './prng.ts';
export { summarize } from './summary.ts';
export type {
  BenchSummary,
  VariantSummary,
  MetricSummary,
  BurstSummary,
  BaselineComparison,
} from './summary.ts';
export { verdict } from './verdict.ts';
export { compareResults, renderComparison, defaultCompareOptions } from './compare.ts';
export type { CompareOptions, Comparison, MetricChange, ComparedMetric } from './compare.ts';
export { freePort, ephemeralPortRange, defaultFreePortOptions } from './free-port.ts';
export type { PortRange, FreePortOptions } from './free-port.ts';
export { releasePort } from './port-reservation.ts';
export { installInterruptHandlers, liveChildren } from './child-registry.ts';
export { renderTable } from './report/table.ts';
export { renderMarkdown } from './report/markdown.ts';
export { renderJson, parseResultJson } from './report/json.ts';
export { renderSvg } from './report/svg.ts';
export { createProgress } from './report/progress.ts';
export { BenchError, BenchConfigError, RunFailedError } from './errors.ts';
export type { BenchErrorCode } from './errors.ts';
export {
  Podman,
  Container,
  requirePodman,
  containerPackages,
  parseRuntimeTime,
} from './containers/podman.ts';
export type { PodmanStore, ContainerSpec, ContainerState, ContainerLogs } from './containers/podman.ts';
export { liveContainers, removeLiveContainersSync } from './containers/container-registry.ts';
export {
  importRootfs,
  writeNodeRootfs,
  writeBusyboxRootfs,
  localImagePath,
} from './containers/local-image.ts';
export type { ImageConfig } from './containers/local-image.ts';
export { Breaker, BreakerQueueFullError } from './knative/breaker.ts';
export type { BreakerParams } from './knative/breaker.ts';
export { probeOnce, probeUntilReady, watchReadiness, knativeProbeDefaults } from './knative/prober.ts';
export type { KnativeProbe, ProberOptions, ProbeResult, ProbeTally } from './knative/prober.ts';
export { startQueueProxy } from './knative/queue-proxy.ts';
export type { QueueProxy } from './knative/queue-proxy.ts';
export { startActivator, activatorQueueDepth } from './knative/activator.ts';
export type { Activator } from './knative/activator.ts';
export { readServiceManifest, parseCpu, parseMemory } from './knative/service-manifest.ts';
export type { ServiceSettings } from './knative/service-manifest.ts';
export { runKnativeColdStart, findStartupReport, knativeProbing } from './knative/knative-cold-start.ts';
export type {
  ContainerVariant,
  KnativeRunOptions,
  KnativeRunRecord,
  PathRequest,
} from './knative/knative-cold-start.ts';
export { profileImports, renderImportProfile, importProfileVersion } from './import-profile/profile-imports.ts';
export type {
  ImportProfileOptions,
  ImportProfileResult,
  VariantImportProfile,
  PackageCost,
} from './import-profile/profile-imports.ts';
