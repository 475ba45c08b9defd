// Turns the files of one layer role into a deterministic gzip'd tar: entries sorted, every
// parent directory present, one fixed mtime, the non-root owner, modes reduced to 0644/0755.
import { Buffer } from 'node:buffer';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { type DeployFile, type LayerRole } from './deploy-folder.ts';
import { gzipFixed } from './gzip.ts';
import { mediaTypes, sha256Digest } from './oci-types.ts';
import { type TarEntry, tarChunks } from './tar-writer.ts';

/** A built layer, ready to upload or write. */
export interface BuiltLayer {
  readonly role: LayerRole;
  readonly mediaType: string;
  /** Digest of the compressed blob. */
  readonly digest: string;
  /** sha256 of the uncompressed tar (the config's diff_id). */
  readonly diffId: string;
  readonly compressedBytes: number;
  readonly uncompressedBytes: number;
  readonly fileCount: number;
  readonly blob: Buffer;
}

/** How to lay files out in a layer. */
export interface LayerSettings {
  /** Absolute directory inside the image the deploy folder maps to, e.g. `/app`. */
  readonly workDir: string;
  readonly uid: number;
  readonly gid: number;
  readonly mtimeSec: number;
  readonly compressionLevel: number;
  /** Where a deploy-folder path goes, relative to workDir. @default the same path */
  readonly mapPath?: (path: string) => string;
}

function compare(a: TarEntry, b: TarEntry): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Builds the layer for one role from a deploy folder's files.
 *
 * @example
 * ```ts
 * const app = await buildLayer('deploy', folder.files, 'app', {
 *   workDir: '/app', uid: 65532, gid: 65532, mtimeSec: 0, compressionLevel: 9,
 * });
 * ```
 */
export async function buildLayer(
  dir: string,
  files: readonly DeployFile[],
  role: LayerRole,
  settings: LayerSettings,
): Promise<BuiltLayer> {
  const root = settings.workDir.replace(/^\/+|\/+$/gu, '');
  const entries = new Map<string, TarEntry>();
  const addDirs = (path: string): void => {
    for (let parent = posix.dirname(path); parent !== '.' && parent !== '/'; parent = posix.dirname(parent)) {
      if (entries.has(parent)) break;
      entries.set(parent, { type: 'directory', path: parent, mode: 0o755 });
    }
  };
  let fileCount = 0;
  for (const file of files) {
    if (file.layer !== role) continue;
    const source = join(dir, file.path);
    const inImage = settings.mapPath?.(file.path) ?? file.path;
    const target = root === '' ? inImage : `${root}/${inImage}`;
    const stat = await lstat(source);
    addDirs(target);
    fileCount++;
    if (stat.isSymbolicLink()) {
      entries.set(target, { type: 'symlink', path: target, target: await readlink(source) });
    } else {
      const mode = (stat.mode & 0o111) !== 0 ? 0o755 : 0o644;
      entries.set(target, { type: 'file', path: target, mode, data: await readFile(source) });
    }
  }
  if (root !== '') addDirs(`${root}/.`);
  const sorted = [...entries.values()].sort(compare);
  const tar = Buffer.concat([...tarChunks(sorted, settings)]);
  const blob = gzipFixed(tar, settings.compressionLevel);
  return {
    role,
    mediaType: mediaTypes.ociLayerGzip,
    digest: sha256Digest(blob),
    diffId: sha256Digest(tar),
    compressedBytes: blob.byteLength,
    uncompressedBytes: tar.byteLength,
    fileCount,
    blob,
  };
}
