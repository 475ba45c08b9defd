import { sep } from 'node:path';
import { nodeFileTrace, type NodeFileTraceReasons } from '@vercel/nft';
import { SlimError } from './errors.ts';
import { nodeModulesPathOf } from './package-name.ts';

/** A file the trace found, with why it is needed. */
export interface TracedFile {
  /** Absolute path on the build machine. */
  readonly file: string;
  /** Why it is in the output, e.g. `traced: required by pg`. */
  readonly reason: string;
}

/** Result of tracing the external packages. */
export interface TraceResult {
  readonly files: readonly TracedFile[];
  /** Modules the traced code asks for that are not installed (optional, like `pg-native`). */
  readonly missing: readonly string[];
}

const root = (dir: string): string => dir.slice(0, dir.indexOf(sep) + 1) || sep;

async function run(files: readonly string[], projectDir: string) {
  try {
    // base at the file-system root: traced files may live above the project (hoisted workspaces).
    return await nodeFileTrace([...files], {
      base: root(projectDir),
      processCwd: projectDir,
      mixedModules: true,
    });
  } catch (error) {
    throw new SlimError(
      'THAW_SLIM_TRACE_FAILED',
      `Tracing the files the function needs at run time failed: ${String(error)}.`,
      {
        cause: error,
      },
    );
  }
}

function absolute(base: string, file: string): string {
  return base + file;
}

function typesOf(reasons: NodeFileTraceReasons, file: string): readonly string[] {
  return reasons.get(file)?.type ?? [];
}

function isPackageJson(file: string): boolean {
  return file.endsWith(`${sep}package.json`) || file.endsWith('/package.json');
}

/**
 * Packages among the bundle's inputs that cannot live inside a bundle: those with native `.node`
 * addons or shared libraries, and those that read their own files at run time (a path from
 * `__dirname` breaks once the code moves into the bundle). Maps package name → the reason.
 *
 * @example
 * ```ts
 * const pinned = await findUnbundlable(['/app/node_modules/sharp/lib/index.js'], '/app');
 * // Map { 'sharp' => 'native addon node_modules/sharp/build/Release/sharp.node' }
 * ```
 */
export async function findUnbundlable(
  inputs: readonly string[],
  projectDir: string,
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (inputs.length === 0) return result;
  const base = root(projectDir);
  const inputSet = new Set(inputs);
  const traced = await run(inputs, projectDir);
  for (const relativeFile of [...traced.fileList].sort()) {
    const file = absolute(base, relativeFile);
    if (inputSet.has(file) || isPackageJson(file)) continue;
    const types = typesOf(traced.reasons, relativeFile);
    const native = file.endsWith('.node') || types.includes('sharedlib');
    if (!native && !types.includes('asset')) continue;
    const location = nodeModulesPathOf(file);
    if (location === null || result.has(location.packageName)) continue;
    result.set(
      location.packageName,
      native ? `native addon ${location.path}` : `reads ${location.path} at run time`,
    );
  }
  return result;
}

/**
 * Traces every file the external packages need at run time (their code, native addons, files
 * they read, `package.json`s), starting from the files their imports resolved to.
 *
 * @example
 * ```ts
 * const { files, missing } = await traceExternals(['/app/node_modules/pg/lib/index.js'], '/app');
 * ```
 */
export async function traceExternals(entries: readonly string[], projectDir: string): Promise<TraceResult> {
  if (entries.length === 0) return { files: [], missing: [] };
  const base = root(projectDir);
  const traced = await run(entries, projectDir);
  const files: TracedFile[] = [];
  for (const relativeFile of [...traced.fileList].sort()) {
    const file = absolute(base, relativeFile);
    const reason = traced.reasons.get(relativeFile);
    if (reason?.ignored === true) continue;
    files.push({ file, reason: reasonText(file, reason?.type ?? [], [...(reason?.parents ?? [])]) });
  }
  const missing = new Set<string>();
  for (const warning of traced.warnings) {
    const match =
      /Failed to resolve dependency "?([^"\s]+)"?/.exec(warning.message) ??
      /Cannot find module '([^']+)'/.exec(warning.message);
    if (match?.[1] !== undefined && !match[1].startsWith('.')) missing.add(match[1]);
  }
  return { files, missing: [...missing].sort() };
}

function reasonText(file: string, types: readonly string[], parents: readonly string[]): string {
  const own = nodeModulesPathOf(file)?.packageName ?? 'the function';
  const parentPackages = [
    ...new Set(parents.map((p) => nodeModulesPathOf(p)?.packageName).filter((p) => p !== undefined)),
  ].sort();
  const by = parentPackages.length > 0 ? parentPackages.join(', ') : own;
  if (types.includes('initial')) return `traced: entry of external package ${own}`;
  if (file.endsWith('.node') || types.includes('sharedlib')) return `traced: native addon of ${own}`;
  if (isPackageJson(file)) return `traced: package.json of ${own}`;
  if (types.includes('asset')) return `traced: read at run time by ${by}`;
  return `traced: required by ${by}`;
}
