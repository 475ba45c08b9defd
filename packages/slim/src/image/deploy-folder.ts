// Reads the deploy folder `thaw slim` writes (its `thaw-slim.json` lists every runtime file and
// its layer). A folder without one is still usable: `package.json` and `node_modules/**` go to
// the dependencies layer, everything else but the build's side files to the app layer.
import { lstat, readFile, readdir } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { ImageError } from './errors.ts';

/** Which of the function's two layers a file belongs to. */
export type LayerRole = 'dependencies' | 'app';

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

const manifestName = 'thaw-slim.json';
const sideFiles = new Set(['Dockerfile', '.dockerignore', 'thaw-slim.json', 'size-report.json']);
const sideDirs = new Set(['knative']);

function folderError(dir: string, message: string, cause?: unknown): ImageError {
  return new ImageError('THAW_IMAGE_DEPLOY_FOLDER', `Deploy folder ${dir}: ${message}`, { cause });
}

function checkRelative(dir: string, path: string): string {
  const normalized = normalize(path).split(sep).join('/');
  if (isAbsolute(path) || normalized.startsWith('../') || normalized === '..' || normalized === '.') {
    throw folderError(
      dir,
      `${manifestName} lists "${path}", which is outside the folder; list paths relative to it.`,
    );
  }
  return normalized;
}

async function walk(root: string, relative: string, out: string[]): Promise<void> {
  const entries = await readdir(join(root, relative), { withFileTypes: true });
  for (const entry of entries) {
    const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
    if (relative === '' && (sideFiles.has(entry.name) || (entry.isDirectory() && sideDirs.has(entry.name)))) {
      continue;
    }
    if (entry.isDirectory()) await walk(root, path, out);
    else if (entry.isFile() || entry.isSymbolicLink()) out.push(path);
  }
}

function layerOf(path: string): LayerRole {
  return path === 'package.json' || path === 'node_modules' || path.startsWith('node_modules/')
    ? 'dependencies'
    : 'app';
}

function byPath(a: DeployFile, b: DeployFile): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

function fromManifest(dir: string, text: string): DeployFolder {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw folderError(dir, `${manifestName} is not valid JSON; run thaw slim again.`, error);
  }
  const m = parsed as {
    version?: unknown;
    entry?: unknown;
    node?: { major?: unknown };
    compileCache?: unknown;
    files?: unknown;
  };
  if (m.version !== 1) {
    throw folderError(
      dir,
      `${manifestName} has version ${JSON.stringify(m.version)}; this thaw reads version 1.`,
    );
  }
  if (typeof m.entry !== 'string' || !Array.isArray(m.files)) {
    throw folderError(
      dir,
      `${manifestName} needs a string "entry" and a "files" array; run thaw slim again.`,
    );
  }
  const files: DeployFile[] = [];
  for (const item of m.files as unknown[]) {
    const f = item as { path?: unknown; layer?: unknown };
    if (typeof f.path !== 'string' || (f.layer !== 'dependencies' && f.layer !== 'app')) {
      throw folderError(
        dir,
        `${manifestName} has a file entry ${JSON.stringify(item)}; each needs "path" and "layer" ("dependencies" or "app").`,
      );
    }
    files.push({ path: checkRelative(dir, f.path), layer: f.layer });
  }
  const major = m.node?.major;
  return {
    dir,
    entry: checkRelative(dir, m.entry),
    nodeMajor: typeof major === 'number' && Number.isInteger(major) ? major : undefined,
    compileCache: typeof m.compileCache === 'string' ? checkRelative(dir, m.compileCache) : null,
    files: files.sort(byPath),
  };
}

async function fromListing(dir: string): Promise<DeployFolder> {
  const paths: string[] = [];
  await walk(dir, '', paths);
  let entry = 'index.js';
  try {
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as { main?: unknown };
    if (typeof pkg.main === 'string') entry = checkRelative(dir, pkg.main);
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
  let text: string | undefined;
  try {
    text = await readFile(join(dir, manifestName), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw folderError(dir, `cannot read ${manifestName}.`, error);
  }
  let folder: DeployFolder;
  try {
    folder = text === undefined ? await fromListing(dir) : fromManifest(dir, text);
  } catch (error) {
    if (error instanceof ImageError) throw error;
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
