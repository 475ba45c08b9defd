// Resolves the base image for one platform, from a registry or a local OCI layout: a
// multi-arch index is narrowed to the requested platform, then its manifest and config read.
import { type Buffer } from 'node:buffer';
import { ImageError } from './errors.ts';
import { findLayoutImage, readLayoutBlob } from './oci-layout.ts';
import {
  type Descriptor,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
  type Platform,
  isIndexMediaType,
} from './oci-types.ts';
import { formatPlatform, platformMatches } from './platform.ts';
import { type ImageReference, type RegistryReference, formatReference } from './reference.ts';
import { type RegistryClient } from './registry-client.ts';

/** A base image narrowed to one platform. */
export interface BaseImage {
  /** The reference as the user gave it. */
  readonly reference: string;
  /** Digest of the platform's manifest. */
  readonly digest: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
  /** Set when the base lives in a registry: blobs can be mounted from it. */
  readonly registry: RegistryReference | undefined;
  /** Reads one of the base's blobs. */
  readonly readBlob: (digest: string) => Promise<Buffer>;
}

interface Source {
  readonly manifest: (reference: string) => Promise<{ mediaType: string; digest: string; bytes: Buffer }>;
  readonly blob: (digest: string) => Promise<Buffer>;
  readonly top: string;
}

function parse(bytes: Buffer, about: string, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_BASE',
      `The ${what} of base image ${about} is not valid JSON; pass another --base.`,
      { cause: error, reference: about },
    );
  }
}

async function layoutSource(dir: string, refName: string | undefined): Promise<Source> {
  const top = await findLayoutImage(dir, refName);
  const manifest = async (digest: string): Promise<{ mediaType: string; digest: string; bytes: Buffer }> => {
    const bytes = await readLayoutBlob(dir, digest);
    const mediaType =
      (JSON.parse(bytes.toString('utf8')) as { mediaType?: string }).mediaType ?? top.mediaType;
    return { mediaType, digest, bytes };
  };
  return { manifest, blob: (digest) => readLayoutBlob(dir, digest), top: top.digest };
}

function registrySource(client: RegistryClient, ref: RegistryReference, about: string): Source {
  return {
    manifest: (reference) => client.getManifest(ref.repository, reference, about),
    blob: (digest) => client.getBlob(ref.repository, digest, about),
    top: ref.digest ?? ref.tag ?? 'latest',
  };
}

/**
 * Reads the base image for `platform`.
 *
 * @example
 * ```ts
 * const base = await resolveBaseImage(parseImageReference('gcr.io/distroless/nodejs24-debian12'),
 *   { os: 'linux', architecture: 'amd64' }, (registry) => clients.get(registry));
 * base.manifest.layers.length;
 * ```
 */
/** The index entry for `platform`; an index without platforms has one image, its first. */
function choosePlatform(index: ImageIndex, platform: Platform, about: string): Descriptor {
  const choices = index.manifests.filter(
    (d): d is Descriptor & { platform: Platform } => d.platform !== undefined,
  );
  const chosen =
    choices.find((d) => platformMatches(platform, d.platform)) ??
    (choices.length === 0 ? index.manifests[0] : undefined);
  if (chosen !== undefined) return chosen;
  const available = choices
    .map((d) => formatPlatform(d.platform))
    .filter((p) => !p.startsWith('unknown'))
    .join(', ');
  throw new ImageError(
    'THAW_IMAGE_PLATFORM_MISSING',
    `Base image ${about} has no ${formatPlatform(platform)} image; it has: ${available || 'none'}. Pass one of those with --platform, or a base built for ${formatPlatform(platform)} with --base.`,
    { reference: about },
  );
}

export async function resolveBaseImage(
  ref: ImageReference,
  platform: Platform,
  clientFor: (registry: string) => Promise<RegistryClient>,
): Promise<BaseImage> {
  const about = formatReference(ref);
  const source =
    ref.kind === 'oci-layout'
      ? await layoutSource(ref.dir, ref.refName)
      : registrySource(await clientFor(ref.registry), ref, about);
  let fetched = await source.manifest(source.top);
  // An index may point at another index (rare, but allowed); two levels is plenty.
  for (let depth = 0; depth < 2 && isIndexMediaType(fetched.mediaType); depth++) {
    const chosen = choosePlatform(parse(fetched.bytes, about, 'index') as ImageIndex, platform, about);
    fetched = await source.manifest(chosen.digest);
  }
  const manifest = parse(fetched.bytes, about, 'manifest') as ImageManifest;
  if (
    !Array.isArray(manifest.layers) ||
    typeof (manifest as Partial<ImageManifest>).config?.digest !== 'string'
  ) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_BASE',
      `Base image ${about} has a manifest of type ${fetched.mediaType} that thaw cannot read (it needs an OCI or Docker v2 image manifest); pass another --base.`,
      { reference: about },
    );
  }
  const config = parse(await source.blob(manifest.config.digest), about, 'config') as ImageConfig;
  const configPlatform: Platform = {
    os: config.os,
    architecture: config.architecture,
    ...(config.variant === undefined ? {} : { variant: config.variant }),
  };
  if (!platformMatches(platform, configPlatform)) {
    throw new ImageError(
      'THAW_IMAGE_PLATFORM_MISSING',
      `Base image ${about} is built for ${formatPlatform(configPlatform)}, not ${formatPlatform(platform)}. Pass --platform ${formatPlatform(configPlatform)}, or a base built for ${formatPlatform(platform)} with --base.`,
      { reference: about },
    );
  }
  return {
    reference: about,
    digest: fetched.digest,
    manifest,
    config,
    registry: ref.kind === 'registry' ? ref : undefined,
    readBlob: source.blob,
  };
}
