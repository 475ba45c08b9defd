// Platforms as users write them (`linux/amd64`, `linux/arm64/v8`) and matching them against
// the entries of a multi-arch index.
import { ImageError } from './errors.ts';
import { type Platform } from './oci-types.ts';

/**
 * Parses `os/architecture[/variant]`.
 *
 * @example
 * ```ts
 * parsePlatform('linux/arm64/v8'); // { os: 'linux', architecture: 'arm64', variant: 'v8' }
 * ```
 */
export function parsePlatform(value: string): Platform {
  const parts = value.split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || variant === '') {
    throw new ImageError(
      'THAW_IMAGE_INVALID_OPTION',
      `Option platform is "${value}"; expected os/architecture[/variant], for example linux/amd64 or linux/arm64/v8.`,
    );
  }
  return variant === undefined ? { os, architecture } : { os, architecture, variant };
}

/** `os/architecture[/variant]`. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter(Boolean).join('/');
}

// arm64 images usually omit the variant; v8 is the only one there is.
function normalizedVariant(platform: Platform): string | undefined {
  if (platform.architecture === 'arm64' && (platform.variant === undefined || platform.variant === 'v8')) {
    return undefined;
  }
  return platform.variant;
}

/**
 * True when `candidate` (from an index or config) runs `wanted`. A wanted platform without a
 * variant accepts any variant of its architecture.
 */
export function platformMatches(wanted: Platform, candidate: Platform): boolean {
  if (wanted.os !== candidate.os || wanted.architecture !== candidate.architecture) return false;
  const wantedVariant = normalizedVariant(wanted);
  return wantedVariant === undefined || wantedVariant === normalizedVariant(candidate);
}
