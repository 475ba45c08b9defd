// The public surface of @thaw/bench: the harness API, its report formats and its types. Named
// re-exports only; the statistics, ports, child and container bookkeeping and the Knative
// stand-ins the harness is built from stay internal (see CHANGELOG.md). The CLI is `@thaw/bench/cli`.
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
export type { ScheduledRun } from './schedule.ts';
export type { Distribution } from './stats.ts';
export { bootstrapMedian, bootstrapRatioOfMedians } from './bootstrap.ts';
export type { Interval, BootstrapOptions } from './bootstrap.ts';
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
export { renderTable } from './report/table.ts';
export { renderMarkdown } from './report/markdown.ts';
export { renderJson, parseResultJson } from './report/json.ts';
export { renderSvg } from './report/svg.ts';
export { createProgress } from './report/progress.ts';
export { BenchError, BenchConfigError, RunFailedError } from './errors.ts';
export type { BenchErrorCode } from './errors.ts';
export { Podman, Container, requirePodman } from './containers/podman.ts';
export type { PodmanStore, ContainerSpec, ContainerState, ContainerLogs } from './containers/podman.ts';
export { importRootfs, writeNodeRootfs, writeBusyboxRootfs } from './containers/local-image.ts';
export type { BenchFileContainer, ContainerVariantSpec, ImageSource } from './container-variant.ts';
export type { StagedImage, PullMeasurement, ImageLayer } from './containers/image-pull.ts';
export type { ContainerSummary, Spread } from './container-summary.ts';
export type { ContainerRunDetails } from './run-record.ts';
export type { ImageConfig } from './containers/local-image.ts';
export { runKnativeColdStart } from './knative/knative-cold-start.ts';
export type {
  ContainerVariant,
  KnativeRunOptions,
  KnativeRunRecord,
  PathRequest,
} from './knative/knative-cold-start.ts';
export type { KnativeProbe, ProbeTally } from './knative/prober.ts';
export {
  profileImports,
  renderImportProfile,
  importProfileVersion,
} from './import-profile/profile-imports.ts';
export type {
  ImportProfileOptions,
  ImportProfileResult,
  VariantImportProfile,
  PackageCost,
} from './import-profile/profile-imports.ts';
