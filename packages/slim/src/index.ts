// The public surface of @thaw/slim. Named re-exports only.
export { runSlimCommand } from './cli/slim-command.ts';
export { runImageCommand } from './cli/image-command.ts';
export { slim, type SlimReport } from './slim.ts';
export { defaultSlimOptions, type SlimOptions, type SlimLogger, type SlimConfig } from './options.ts';
export { loadConfig, validateConfig, configFileNames } from './config.ts';
export { SlimError, SlimConfigError, BudgetExceededError, type SlimErrorCode } from './errors.ts';
export { formatBytes } from './format-bytes.ts';
export { formatSizeReport, type SizeReport, type HeavyModule, type Unbundled } from './size-report.ts';
export type { SlimManifest, ManifestFile } from './deploy-manifest.ts';
export {
  defaultKnativeOptions,
  type KnativeOptions,
  type TriggerOptions,
  type SinkBindingOptions,
  type AutoscalingClass,
  type ImagePullPolicy,
  type BrokerOptions,
  type WarmUpOptions,
  type ScrapeOptions,
  type PodMonitorOptions,
  type ProbeOptions,
  type TrafficTarget,
  type AutoscalingMetric,
} from './knative/options.ts';
export type { EnvValue, EnvFromSource, KeyRef, VolumeOptions } from './knative/env-options.ts';
export {
  defaultDeliveryOptions,
  type DeliveryOptions,
  type DeadLetterSink,
} from './knative/delivery-options.ts';
export { knativeBroker } from './knative/broker.ts';
export { knativePingSource } from './knative/ping-source.ts';
export { knativePodMonitor } from './knative/pod-monitor.ts';
export { resolveKnativeOptions } from './knative/resolve.ts';
export { knativeService, type Manifest } from './knative/service.ts';
export { knativeTrigger } from './knative/trigger.ts';
export { knativeSinkBinding } from './knative/sinkbinding.ts';
export { dockerfile, dockerignore, distrolessImage } from './dockerfile.ts';
export { buildImage, type BuildImageResult } from './image/build-image.ts';
export { type BuildImageOptions, type ImageOutputKind, defaultBuildImageOptions } from './image/options.ts';
export { ImageError, type ImageErrorCode } from './image/errors.ts';
export { type ImageSizeReport, type LayerSize, formatImageSizeReport } from './image/size-report.ts';
export { type BlobAction, type PushedBlob, type PushResult } from './image/push-image.ts';
export { pinKnativeService } from './image/pin-manifest.ts';
export { default as imageExecutor, type ImageExecutorOptions } from './executors/image/executor.ts';
