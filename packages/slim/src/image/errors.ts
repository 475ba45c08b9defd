// Errors of `thaw image`. Every failure a user can fix carries a stable code and a message
// that names the image reference involved and what to do about it. An image error is a slim
// error: `catch (e) { if (e instanceof SlimError) … }` covers both.
import { SlimError } from '../errors.ts';

/** Stable codes of {@link ImageError}; callers and docs rely on them. */
export type ImageErrorCode =
  | 'THAW_IMAGE_INVALID_OPTION'
  | 'THAW_IMAGE_DEPLOY_FOLDER'
  | 'THAW_IMAGE_REGISTRY_UNREACHABLE'
  | 'THAW_IMAGE_UNAUTHORIZED'
  | 'THAW_IMAGE_NOT_FOUND'
  | 'THAW_IMAGE_PLATFORM_MISSING'
  | 'THAW_IMAGE_REGISTRY_ERROR'
  | 'THAW_IMAGE_INVALID_BASE'
  | 'THAW_IMAGE_PIN_FAILED';

/**
 * A failure while building or pushing an image; a {@link SlimError}. `reference` names the image (or registry)
 * the failure is about when there is one.
 *
 * @example
 * ```ts
 * try {
 *   await buildImage({ deployDir: 'deploy', tag: 'registry.example.com/checkout:1' });
 * } catch (error) {
 *   if (error instanceof ImageError && error.code === 'THAW_IMAGE_UNAUTHORIZED') process.exitCode = 3;
 * }
 * ```
 */
export class ImageError extends SlimError {
  override readonly name = 'ImageError';
  declare readonly code: ImageErrorCode;
  readonly reference: string | undefined;

  constructor(code: ImageErrorCode, message: string, options: { cause?: unknown; reference?: string } = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reference = options.reference;
  }
}
