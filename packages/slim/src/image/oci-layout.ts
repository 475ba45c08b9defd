// OCI image layouts on disk (`oci-layout`, `index.json`, `blobs/sha256/…`): a base image can
// come from one, and `--oci-layout` writes the built image into one.
import { Buffer } from 'node:buffer';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ImageError } from './errors.ts';
import { type Descriptor, type ImageIndex, mediaTypes, sha256Digest } from './oci-types.ts';

const refNameKey = 'org.opencontainers.image.ref.name';

/** The path of a blob inside a layout. */
export function layoutBlobPath(dir: string, digest: string): string {
  const [algorithm, hex] = digest.split(':');
  if (
    algorithm === undefined ||
    hex === undefined ||
    !/^[a-z0-9]+$/u.test(algorithm) ||
    !/^[a-f0-9]+$/u.test(hex)
  ) {
    throw new ImageError('THAW_IMAGE_INVALID_BASE', `"${digest}" is not a digest a layout can hold.`);
  }
  return join(dir, 'blobs', algorithm, hex);
}

/** Reads a blob from a layout and checks its digest. */
export async function readLayoutBlob(dir: string, digest: string): Promise<Buffer> {
  let bytes: Buffer;
  try {
    bytes = await readFile(layoutBlobPath(dir, digest));
  } catch (error) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_BASE',
      `OCI layout ${dir} lacks blob ${digest}; copy the image into it again (for example with skopeo copy).`,
      { cause: error, reference: `oci:${dir}` },
    );
  }
  if (sha256Digest(bytes) !== digest) {
    throw new ImageError(
      'THAW_IMAGE_INVALID_BASE',
      `Blob ${digest} in OCI layout ${dir} does not match its digest; the layout is damaged, copy the image into it again.`,
      { reference: `oci:${dir}` },
    );
  }
  return bytes;
}

/**
 * The descriptor an image layout's index.json lists for `refName`, or its only entry when no
 * name is given.
 *
 * @example
 * ```ts
 * const top = await findLayoutImage('base-layout', 'node24');
 * ```
 */
export async function findLayoutImage(dir: string, refName: string | undefined): Promise<Descriptor> {
  const about = `oci:${dir}${refName === undefined ? '' : `:${refName}`}`;
  let index: ImageIndex;
  try {
    index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ImageIndex;
  } catch (error) {
    throw new ImageError(
      'THAW_IMAGE_NOT_FOUND',
      `Base image ${about} has no readable index.json; pass the directory of an OCI image layout.`,
      { cause: error, reference: about },
    );
  }
  const entries = index.manifests;
  const named =
    refName === undefined ? entries : entries.filter((d) => d.annotations?.[refNameKey] === refName);
  const found = named[0];
  if (found === undefined || (refName === undefined && named.length > 1)) {
    const names = entries.map((d) => d.annotations?.[refNameKey] ?? d.digest).join(', ');
    throw new ImageError(
      'THAW_IMAGE_NOT_FOUND',
      refName === undefined
        ? `Base image ${about} holds ${entries.length} images (${names}); name one with oci:${dir}:<name>.`
        : `Base image ${about} does not exist; the layout holds: ${names || 'nothing'}.`,
      { reference: about },
    );
  }
  return found;
}

async function writeIfMissing(path: string, bytes: Uint8Array): Promise<void> {
  try {
    if ((await stat(path)).size === bytes.byteLength) return;
  } catch {
    // missing: write it
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, path);
}

/** Adds a blob to a layout (creating the layout if needed). */
export async function writeLayoutBlob(dir: string, digest: string, bytes: Uint8Array): Promise<void> {
  const path = layoutBlobPath(dir, digest);
  await mkdir(join(path, '..'), { recursive: true });
  await writeIfMissing(path, bytes);
}

/**
 * Records a manifest in a layout's index.json under `refName`, replacing any image that had
 * that name; the blobs must be written first.
 */
export async function tagLayoutImage(dir: string, manifest: Descriptor, refName: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'oci-layout'), `${JSON.stringify({ imageLayoutVersion: '1.0.0' })}\n`);
  let manifests: Descriptor[] = [];
  try {
    const existing = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as ImageIndex;
    manifests = existing.manifests.filter((d) => d.annotations?.[refNameKey] !== refName);
  } catch {
    // a new layout
  }
  const entry: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.size,
    annotations: { [refNameKey]: refName },
  };
  const index = { schemaVersion: 2, mediaType: mediaTypes.ociIndex, manifests: [...manifests, entry] };
  await writeFile(join(dir, 'index.json'), Buffer.from(`${JSON.stringify(index)}\n`));
}
