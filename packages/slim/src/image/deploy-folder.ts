// Reads the deploy folder `thaw slim` writes (its `thaw-slim.json` lists every runtime file and
// its layer). A folder without one is still usable: `package.json` and `node_modules/**` go to
// the dependencies layer, everything else but the build's side files to the app layer.
import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeployManifestError,
  insideFolder,
  layerOf,
  readManifest,
  sideDirs,
  sideFiles,
  type LayerRole,
} from '../deploy-manifest.ts';
import { ImageError } from './errors.ts';

export type { LayerRole } from '../deploy-manifest.ts';

/** A file of the deploy folder, relative to it, with forward slashes. */
export interface DeployFile {
  readonly path: string;
  readonly layer: LayerRole;
}

/** What `thaw image` needs to know about a deploy folder. */
export interface DeployFolder {
  readonly dir: string;
  /** The entry module, relative to the folder. */
  readonly entry: string;
  /** The Node major the function was built for, when the folder says. */
  readonly nodeMajor: number | undefined;
  /** The compile cache directory, relative to the folder, or null when none is shipped. */
  readonly compileCache: string | null;
  /** Sorted by path. */
  readonly files: readonly DeployFile[];
}

function folderError(dir: string, message: string, cause?: unknown): ImageError {
  return new ImageError('THAW_IMAGE_DEPLOY_FOLDER', `Deploy folder ${dir}: ${message}`, { cause });
}

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (
      relative === '' &&
      (sideFiles.includes(entry.name) || (entry.isDirectory() && sideDirs.includes(entry.name)))
    ) {
      continue;
    }
    if (entry.isDirectory()) await walk(root, path, out);
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(path);
  }
}

function byPath(a: DeployFile, b: DeployFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

async function fromListing(dir: string): Promise<DeployFolder> {
  const paths: string[] = [];
  await walk(dir, '', paths);
  let entry = 'index.js';
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { main?: unknown };
    if (typeof pkg.main === 'string') entry = insideFolder(pkg.main);
  } catch {
    // No package.json, or no main: index.js, as Node itself assumes.
  }
  const compileCache = paths.some((p) => p.startsWith('compile-cache/')) ? 'compile-cache' : null;
  return {
    dir,
    entry,
    nodeMajor: undefined,
    compileCache,
    files: paths.map((path) => ({ path, layer: layerOf(path) })).sort(byPath),
  };
}

/**
 * Reads a deploy folder and checks that every file it lists is there.
 *
 * @example
 * ```ts
 * const folder = await readDeployFolder('deploy');
 * folder.files.filter((f) => f.layer === 'app');
 * ```
 */
export async function readDeployFolder(dir: string): Promise<DeployFolder> {
  let folder: DeployFolder;
  try {
    const manifest = await readManifest(dir);
    folder =
      manifest === undefined
        ? await fromListing(dir)
        : { dir, ...manifest, files: [...manifest.files].sort(byPath) };
  } catch (error) {
    if (error instanceof DeployManifestError) throw folderError(dir, error.message, error);
    throw folderError(dir, 'cannot be read; pass the folder thaw slim --out wrote.', error);
  }
  for (const file of folder.files) {
    try {
      await lstat(join(dir, file.path));
    } catch (error) {
      throw folderError(dir, `lists ${file.path}, which is missing; run thaw slim again.`, error);
    }
  }
  if (!folder.files.some((f) => f.path === folder.entry)) {
    throw folderError(dir, `has no entry module ${folder.entry}; pass the folder thaw slim --out wrote.`);
  }
  return folder;
}
