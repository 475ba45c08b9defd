// `thaw-slim.json`, the contract between `thaw slim` (which writes it) and `thaw image` and the
// Dockerfile (which read what it says): its types, its writer, its reader with validation, and
// the list of the build's side files that sit beside the runtime files but are not among them.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, normalize, sep } from 'node:path';
import { compileCacheFillScriptName } from './compile-cache-fill-script.ts';
import { writeOut } from './deploy-folder.ts';
import { SlimError } from './errors.ts';

/** The deploy manifest's file name, at the root of the deploy folder. */
export const manifestFileName = 'thaw-slim.json';

/**
 * Which image layer a file belongs to: `tracing`, the shared tracing layer (byte-identical for
 * every function built with the same thaw version), then the function's own two.
 */
export type LayerRole = 'tracing' | 'dependencies' | 'app';

/** Every layer role, in the order the image stacks them. */
export const layerRoles: readonly LayerRole[] = ['tracing', 'dependencies', 'app'];

/** Roles whose files are the same for every function built with the same thaw version. */
export const sharedLayerRoles: ReadonlySet<LayerRole> = new Set(['tracing']);

/** The folder prefix of the shared tracing layer in a deploy folder (`thaw-tracing-<digest>`). */
export const tracingDirPrefix = 'thaw-tracing-';

/** The file list entry of `thaw-slim.json`. */
export interface ManifestFile {
  readonly path: string;
  readonly size: number;
  readonly reason: string;
  readonly layer: LayerRole;
}

/** `thaw-slim.json`, written by `thaw slim` and read by `thaw image`. */
export interface SlimManifest {
  readonly version: 1;
  readonly entry: 'index.js';
  readonly node: { readonly major: number; readonly version: string };
  readonly compileCache: string | null;
  readonly files: readonly ManifestFile[];
}

/** What a reader of the manifest can rely on: paths checked to stay inside the folder. */
export interface ReadManifest {
  readonly entry: string;
  /** The Node major the function was built for, when the manifest says. */
  readonly nodeMajor: number | undefined;
  readonly compileCache: string | null;
  readonly files: readonly { readonly path: string; readonly layer: LayerRole }[];
}

/**
 * Files and folders at the root of a deploy folder that the build writes beside the runtime
 * files: never listed in the manifest, never part of an image layer.
 */
export const sideFiles: readonly string[] = [
  'Dockerfile',
  '.dockerignore',
  manifestFileName,
  'size-report.json',
  compileCacheFillScriptName,
];

/** Folders at the root of a deploy folder that hold side files only. */
export const sideDirs: readonly string[] = ['knative'];

/**
 * The layer a deploy-folder path belongs to when no manifest says: the tracing layer's folder
 * first, then `package.json` and `node_modules/**`, which change rarely; everything else is the app.
 *
 * @example
 * ```ts
 * layerOf('node_modules/pg/index.js'); // 'dependencies'
 * ```
 */
export function layerOf(path: string): LayerRole {
  if (path.startsWith(tracingDirPrefix)) return 'tracing';
  return path === 'package.json' || path === 'node_modules' || path.startsWith('node_modules/')
    ? 'dependencies'
    : 'app';
}

/**
 * Writes `thaw-slim.json` into the deploy folder.
 *
 * @example
 * ```ts
 * writeManifest('deploy', { version: 1, entry: 'index.js', node: { major: 24, version: '24.12.0' },
 *   compileCache: null, files: [] });
 * ```
 */
export function writeManifest(outDir: string, manifest: SlimManifest): void {
  writeOut(outDir, manifestFileName, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** `thaw-slim.json` is not one this version of thaw can use; the message says why and what to do. */
export class DeployManifestError extends SlimError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('THAW_SLIM_MANIFEST_INVALID', message, options);
    this.name = 'DeployManifestError';
  }
}

/**
 * Reads and checks a deploy folder's `thaw-slim.json`; `undefined` when the folder has none.
 * Every path it lists must stay inside the folder.
 *
 * @example
 * ```ts
 * const manifest = await readManifest('deploy');
 * manifest?.files.filter((f) => f.layer === 'app');
 * ```
 */
export async function readManifest(dir: string): Promise<ReadManifest | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, manifestFileName), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DeployManifestError(`cannot read ${manifestFileName}.`, { cause: error });
  }
  return parseManifest(text);
}

/**
 * Checks the text of a `thaw-slim.json`.
 *
 * @example
 * ```ts
 * parseManifest(readFileSync('deploy/thaw-slim.json', 'utf8')).entry; // 'index.js'
 * ```
 */
export function parseManifest(text: string): ReadManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new DeployManifestError(`${manifestFileName} is not valid JSON; run thaw slim again.`, {
      cause: error,
    });
  }
  const m = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>;
  if (m['version'] !== 1) {
    throw new DeployManifestError(
      `${manifestFileName} has version ${JSON.stringify(m['version'])}; this thaw reads version 1.`,
    );
  }
  if (typeof m['entry'] !== 'string' || !Array.isArray(m['files'])) {
    throw new DeployManifestError(
      `${manifestFileName} needs a string "entry" and a "files" array; run thaw slim again.`,
    );
  }
  const major = (m['node'] as { major?: unknown } | undefined)?.major;
  return {
    entry: insideFolder(m['entry']),
    nodeMajor: typeof major === 'number' && Number.isInteger(major) ? major : undefined,
    compileCache: typeof m['compileCache'] === 'string' ? insideFolder(m['compileCache']) : null,
    files: (m['files'] as unknown[]).map(manifestEntry),
  };
}

function manifestEntry(item: unknown): { path: string; layer: LayerRole } {
  const f = (item ?? {}) as { path?: unknown; layer?: unknown };
  if (typeof f.path !== 'string' || !layerRoles.includes(f.layer as LayerRole)) {
    throw new DeployManifestError(
      `${manifestFileName} has a file entry ${JSON.stringify(item)}; each needs "path" and "layer" ("tracing", "dependencies" or "app").`,
    );
  }
  return { path: insideFolder(f.path), layer: f.layer as LayerRole };
}

/**
 * A manifest path as a normalized `/`-separated path, refused when it leaves the folder.
 *
 * @example
 * ```ts
 * insideFolder('./chunks/a.js'); // 'chunks/a.js'
 * ```
 */
export function insideFolder(path: string): string {
  const normalized = normalize(path).split(sep).join('/');
  if (isAbsolute(path) || normalized.startsWith('../') || normalized === '..' || normalized === '.') {
    throw new DeployManifestError(
      `${manifestFileName} lists "${path}", which is outside the folder; list paths relative to it.`,
    );
  }
  return normalized;
}
