// The public surface of @thaw/slim. Named re-exports only.
export { runSlimCommand } from './cli/slim-command.ts';
export { runImageCommand } from './cli/image-command.ts';
export { buildImage, type BuildImageResult } from './image/build-image.ts';
export { type BuildImageOptions, type ImageOutputKind, defaultBuildImageOptions } from './image/options.ts';
export { ImageError, type ImageErrorCode } from './image/errors.ts';
export { type ImageSizeReport, type LayerSize, formatImageSizeReport } from './image/size-report.ts';
export { type BlobAction, type PushedBlob, type PushResult } from './image/push-image.ts';
export { pinKnativeService } from './image/pin-manifest.ts';
export { default as imageExecutor, type ImageExecutorOptions } from './image/executor.ts';
