// Assembles the new image's config and manifest on top of the base: the base's layers and
// history, then the dependencies and app layers, a non-root user, the function's entry point
// and environment, and OCI annotations. Serialized in a fixed key order so the same inputs
// give the same digests.
import { Buffer } from 'node:buffer';
import { type BaseImage } from './base-image.ts';
import { type BuiltLayer } from './layer.ts';
import {
  type ContainerConfig,
  type Descriptor,
  type HistoryEntry,
  type ImageConfig,
  type ImageManifest,
  mediaTypes,
  sha256Digest,
  toOciMediaType,
} from './oci-types.ts';

/** The function-specific settings of the image config. */
export interface ImageSettings {
  readonly workDir: string;
  readonly user: string;
  /** Entry module, relative to `workDir`. */
  readonly entry: string;
  /** Compile cache directory relative to `workDir`, or null. */
  readonly compileCache: string | null;
  /** Overrides the base image's entrypoint when set. */
  readonly entrypoint: readonly string[] | undefined;
  /** RFC 3339 creation time, from SOURCE_DATE_EPOCH. */
  readonly created: string;
  readonly source: string | undefined;
  readonly revision: string | undefined;
}

/** A serialized config and manifest with their digests. */
export interface AssembledImage {
  readonly config: ImageConfig;
  readonly configBytes: Buffer;
  readonly configDigest: string;
  readonly manifest: ImageManifest;
  readonly manifestBytes: Buffer;
  readonly manifestDigest: string;
}

function mergeEnv(base: readonly string[] | undefined, extra: Readonly<Record<string, string>>): string[] {
  const keys = new Set(Object.keys(extra));
  const kept = (base ?? []).filter(
    (line) => !keys.has(line.slice(0, line.indexOf('=') === -1 ? line.length : line.indexOf('='))),
  );
  return [...kept, ...Object.entries(extra).map(([k, v]) => `${k}=${v}`)];
}

function joinPath(dir: string, relative: string): string {
  return `${dir.replace(/\/+$/u, '')}/${relative}`;
}

/**
 * Builds the config and manifest of the function image.
 *
 * @example
 * ```ts
 * const image = assembleImage(base, [dependencies, app], {
 *   workDir: '/app', user: '65532:65532', entry: 'index.js', compileCache: null,
 *   entrypoint: undefined, created: '1970-01-01T00:00:00Z', source: undefined, revision: undefined,
 * });
 * image.manifestDigest;
 * ```
 */
export function assembleImage(
  base: BaseImage,
  layers: readonly BuiltLayer[],
  settings: ImageSettings,
): AssembledImage {
  const annotations: Record<string, string> = { 'org.opencontainers.image.created': settings.created };
  if (settings.source !== undefined) annotations['org.opencontainers.image.source'] = settings.source;
  if (settings.revision !== undefined) annotations['org.opencontainers.image.revision'] = settings.revision;
  const config = imageConfig(base, layers, settings, annotations);
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDigest = sha256Digest(configBytes);
  const baseLayers: Descriptor[] = base.manifest.layers.map((l) => ({
    mediaType: toOciMediaType(l.mediaType),
    digest: l.digest,
    size: l.size,
  }));
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociManifest,
    config: { mediaType: mediaTypes.ociConfig, digest: configDigest, size: configBytes.byteLength },
    layers: [
      ...baseLayers,
      ...layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.compressedBytes })),
    ],
    annotations: {
      ...annotations,
      'org.opencontainers.image.base.name': base.reference,
      'org.opencontainers.image.base.digest': base.digest,
    },
  };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  return {
    config,
    configBytes,
    configDigest,
    manifest,
    manifestBytes,
    manifestDigest: sha256Digest(manifestBytes),
  };
}

/** The image config: the base's, with the function's user, env, command, labels and history. */
function imageConfig(
  base: BaseImage,
  layers: readonly BuiltLayer[],
  settings: ImageSettings,
  annotations: Readonly<Record<string, string>>,
): ImageConfig {
  const env: Record<string, string> = { NODE_ENV: 'production' };
  if (settings.compileCache !== null) {
    env['NODE_COMPILE_CACHE'] = joinPath(settings.workDir, settings.compileCache);
    // thaw slim writes the cache portable (paths relative to the cache folder), so it still
    // matches once the folder sits under workDir instead of where it was built.
    env['NODE_COMPILE_CACHE_PORTABLE'] = '1';
  }
  const baseEntrypoint = base.config.config?.Entrypoint ?? [];
  const entrypoint = settings.entrypoint ?? (baseEntrypoint.length > 0 ? baseEntrypoint : ['node']);
  const containerConfig: ContainerConfig = {
    ...base.config.config,
    User: settings.user,
    Env: mergeEnv(base.config.config?.Env, env),
    Entrypoint: [...entrypoint],
    Cmd: [joinPath(settings.workDir, settings.entry)],
    WorkingDir: settings.workDir,
    Labels: { ...base.config.config?.Labels, ...annotations },
  };
  const layerComments = {
    tracing: 'the deferred OpenTelemetry SDK, shared by every function built with this thaw version',
    dependencies: 'package.json and traced node_modules',
    app: 'bundle, source maps and compile cache',
  } as const;
  const history: HistoryEntry[] = [
    ...(base.config.history ?? []),
    ...layers.map((layer) => ({
      created: settings.created,
      created_by: `thaw image: ${layer.role} layer (${layer.fileCount} files)`,
      comment: layerComments[layer.role],
    })),
  ];
  return {
    created: settings.created,
    architecture: base.config.architecture,
    os: base.config.os,
    ...(base.config.variant === undefined ? {} : { variant: base.config.variant }),
    config: containerConfig,
    rootfs: { type: 'layers', diff_ids: [...base.config.rootfs.diff_ids, ...layers.map((l) => l.diffId)] },
    history,
  };
}
