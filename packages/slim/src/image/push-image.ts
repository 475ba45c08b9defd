// Pushes an assembled image: every blob is first looked up in the target repository, base
// layers are then mounted from the base's repository when both live in one registry (copied
// otherwise), new blobs are uploaded, and the manifest goes last so the tag never points at
// an image whose blobs are missing.
import { type BaseImage } from './base-image.ts';
import { type AssembledImage } from './image-config.ts';
import { type BuiltLayer } from './layer.ts';
import { type RegistryReference, formatReference } from './reference.ts';
import { type RegistryClient } from './registry-client.ts';

/** What happened to one blob during a push. */
export type BlobAction = 'existing' | 'mounted' | 'uploaded';

/** One blob of a push. */
export interface PushedBlob {
  readonly digest: string;
  readonly bytes: number;
  readonly action: BlobAction;
}

/** The outcome of a push. */
export interface PushResult {
  readonly manifestDigest: string;
  readonly blobs: readonly PushedBlob[];
  readonly uploadedBytes: number;
  readonly durationMs: number;
}

/** Push settings. */
export interface PushSettings {
  readonly uploadChunkBytes: number;
  readonly concurrency: number;
  readonly now: () => number;
}

async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One blob to push: the base's layers (which may be mounted), the new layers, the config. */
interface BlobJob {
  readonly digest: string;
  readonly bytes: number;
  readonly data: () => Promise<Uint8Array>;
  readonly fromBase: boolean;
}

function blobJobs(base: BaseImage, layers: readonly BuiltLayer[], image: AssembledImage): BlobJob[] {
  return [
    ...base.manifest.layers.map((l) => ({
      digest: l.digest,
      bytes: l.size,
      data: () => base.readBlob(l.digest),
      fromBase: true,
    })),
    ...layers.map((l) => ({
      digest: l.digest,
      bytes: l.compressedBytes,
      data: () => Promise.resolve(l.blob),
      fromBase: false,
    })),
    {
      digest: image.configDigest,
      bytes: image.configBytes.byteLength,
      data: () => Promise.resolve(image.configBytes),
      fromBase: false,
    },
  ];
}

/**
 * Pushes `image` to `target` and tags it.
 *
 * @example
 * ```ts
 * const result = await pushImage(client, target, base, layers, image,
 *   { uploadChunkBytes: 16 * 1024 * 1024, concurrency: 4, now: () => performance.now() });
 * ```
 */
export async function pushImage(
  client: RegistryClient,
  target: RegistryReference,
  base: BaseImage,
  layers: readonly BuiltLayer[],
  image: AssembledImage,
  settings: PushSettings,
): Promise<PushResult> {
  const started = settings.now();
  const about = formatReference(target);
  const repo = target.repository;
  const mountFrom =
    base.registry !== undefined && base.registry.registry === target.registry
      ? base.registry.repository
      : undefined;
  const jobs = blobJobs(base, layers, image);
  const blobs = await inPool(jobs, settings.concurrency, async (job): Promise<PushedBlob> => {
    if (await client.hasBlob(repo, job.digest, about))
      return { digest: job.digest, bytes: job.bytes, action: 'existing' };
    if (
      job.fromBase &&
      mountFrom !== undefined &&
      mountFrom !== repo &&
      (await client.mountBlob(repo, job.digest, mountFrom, about))
    ) {
      return { digest: job.digest, bytes: job.bytes, action: 'mounted' };
    }
    await client.uploadBlob(repo, job.digest, await job.data(), settings.uploadChunkBytes, about);
    return { digest: job.digest, bytes: job.bytes, action: 'uploaded' };
  });
  const manifestDigest = await client.putManifest(
    repo,
    target.tag ?? image.manifestDigest,
    image.manifestBytes,
    image.manifest.mediaType ?? '',
    about,
  );
  return {
    manifestDigest,
    blobs,
    uploadedBytes: blobs.filter((b) => b.action === 'uploaded').reduce((sum, b) => sum + b.bytes, 0),
    durationMs: settings.now() - started,
  };
}
