// Writes a built image without a registry: into an OCI image layout directory, or into one
// tar file that is both an OCI layout and a `docker save` archive (its `manifest.json`), so
// `docker load`, `podman load` and `skopeo copy oci-archive:…` / `docker-archive:…` all read it.
import { Buffer } from 'node:buffer';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type BaseImage } from './base-image.ts';
import { type AssembledImage } from './image-config.ts';
import { type BuiltLayer } from './layer.ts';
import { tagLayoutImage, writeLayoutBlob } from './oci-layout.ts';
import { mediaTypes } from './oci-types.ts';
import { type TarEntry, tarChunks } from './tar-writer.ts';

async function collectBlobs(
  base: BaseImage,
  layers: readonly BuiltLayer[],
  image: AssembledImage,
): Promise<Map<string, Uint8Array>> {
  const blobs = new Map<string, Uint8Array>();
  for (const layer of base.manifest.layers) blobs.set(layer.digest, await base.readBlob(layer.digest));
  for (const layer of layers) blobs.set(layer.digest, layer.blob);
  blobs.set(image.configDigest, image.configBytes);
  blobs.set(image.manifestDigest, image.manifestBytes);
  return blobs;
}

/**
 * Writes the image into an OCI layout directory under `refName` (other images there stay).
 *
 * @example
 * ```ts
 * await writeImageLayout('out/layout', base, layers, image, 'checkout-1');
 * ```
 */
export async function writeImageLayout(
  dir: string,
  base: BaseImage,
  layers: readonly BuiltLayer[],
  image: AssembledImage,
  refName: string,
): Promise<void> {
  for (const [digest, bytes] of await collectBlobs(base, layers, image))
    await writeLayoutBlob(dir, digest, bytes);
  await tagLayoutImage(
    dir,
    { mediaType: mediaTypes.ociManifest, digest: image.manifestDigest, size: image.manifestBytes.byteLength },
    refName,
  );
}

/**
 * Writes the image as one tar file: an OCI layout plus Docker's `manifest.json`.
 *
 * @example
 * ```ts
 * await writeImageTarball('out/image.tar', base, layers, image, '1', 'registry.example.com/checkout:1');
 * ```
 */
export async function writeImageTarball(
  file: string,
  base: BaseImage,
  layers: readonly BuiltLayer[],
  image: AssembledImage,
  refName: string,
  repoTag: string | undefined,
): Promise<void> {
  const blobs = await collectBlobs(base, layers, image);
  const blobPath = (digest: string): string => `blobs/${digest.replace(':', '/')}`;
  const index = {
    schemaVersion: 2,
    mediaType: mediaTypes.ociIndex,
    manifests: [
      {
        mediaType: mediaTypes.ociManifest,
        digest: image.manifestDigest,
        size: image.manifestBytes.byteLength,
        annotations: {
          'org.opencontainers.image.ref.name': refName,
          ...(repoTag === undefined ? {} : { 'io.containerd.image.name': repoTag }),
        },
      },
    ],
  };
  const dockerManifest = [
    {
      Config: blobPath(image.configDigest),
      RepoTags: repoTag === undefined ? [] : [repoTag],
      Layers: image.manifest.layers.map((l) => blobPath(l.digest)),
    },
  ];
  const entries: TarEntry[] = [
    { type: 'directory', path: 'blobs', mode: 0o755 },
    { type: 'directory', path: 'blobs/sha256', mode: 0o755 },
    ...[...blobs.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([digest, data]): TarEntry => ({ type: 'file', path: blobPath(digest), mode: 0o644, data })),
    { type: 'file', path: 'index.json', mode: 0o644, data: Buffer.from(JSON.stringify(index)) },
    { type: 'file', path: 'manifest.json', mode: 0o644, data: Buffer.from(JSON.stringify(dockerManifest)) },
    {
      type: 'file',
      path: 'oci-layout',
      mode: 0o644,
      data: Buffer.from(JSON.stringify({ imageLayoutVersion: '1.0.0' })),
    },
  ];
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, Buffer.concat([...tarChunks(entries, { uid: 0, gid: 0, mtimeSec: 0 })]));
}
