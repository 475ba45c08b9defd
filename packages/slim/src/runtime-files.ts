import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { listFiles } from './deploy-folder.ts';
import { SlimError } from './errors.ts';
import { nodeModulesPathOf } from './package-name.ts';
import { filterSecrets } from './secrets.ts';
import { traceExternals } from './trace.ts';

/** A file to copy into the deploy folder. */
export interface PlannedFile {
  /** Path inside the deploy folder. */
  readonly path: string;
  /** Absolute source path. */
  readonly source: string;
  readonly reason: string;
}

/** The files to copy, the secrets refused, and optional modules the trace could not find. */
export interface RuntimeFiles {
  readonly files: readonly PlannedFile[];
  readonly refused: readonly { readonly path: string; readonly kind: string }[];
  readonly missing: readonly string[];
}

function sameBytes(a: string, b: string): boolean {
  return readFileSync(a).equals(readFileSync(b));
}

function includedFiles(projectDir: string, include: readonly string[]): PlannedFile[] {
  const files: PlannedFile[] = [];
  for (const entry of include) {
    const source = resolve(projectDir, entry);
    const path = relative(projectDir, source).split('\\').join('/');
    if (path === '' || path.startsWith('..') || isAbsolute(path)) {
      throw new SlimError(
        'THAW_SLIM_CONFIG_INVALID',
        `Invalid include: received "${entry}"; expected a path inside the project.`,
      );
    }
    const stat = statSync(source, { throwIfNoEntry: false });
    if (stat === undefined) {
      throw new SlimError(
        'THAW_SLIM_CONFIG_INVALID',
        `Invalid include: "${entry}" does not exist in the project.`,
      );
    }
    const reason = `included: listed in include (${entry})`;
    if (stat.isDirectory()) {
      for (const inner of listFiles(source))
        files.push({ path: `${path}/${inner}`, source: join(source, inner), reason });
    } else files.push({ path, source, reason });
  }
  return files;
}

/**
 * Everything besides the bundle that the function needs on disk: the traced files of the
 * external packages (laid out as `node_modules/…`) and the project's `include`s, minus anything
 * that looks like a secret (each refusal is returned so it can be reported by name).
 *
 * @example
 * ```ts
 * const { files, refused } = await runtimeFiles(projectDir, ['/app/node_modules/pg/lib/index.js'], [], []);
 * ```
 */
export async function runtimeFiles(
  projectDir: string,
  externalEntries: readonly string[],
  include: readonly string[],
  allowSecrets: readonly string[],
  stubbed: ReadonlySet<string> = new Set(),
): Promise<RuntimeFiles> {
  const traced = await traceExternals(externalEntries, projectDir);
  const planned = new Map<string, PlannedFile>();
  for (const t of traced.files) {
    const location = nodeModulesPathOf(t.file);
    if (location === null) continue;
    // A stubbed package is already in the bundle; its stub owns node_modules/<name>.
    if ([...stubbed].some((name) => location.path.startsWith(`node_modules/${name}/`))) continue;
    const existing = planned.get(location.path);
    if (existing !== undefined && existing.source !== t.file && !sameBytes(existing.source, t.file)) {
      throw new SlimError(
        'THAW_SLIM_FILE_CONFLICT',
        `Two different files would both be ${location.path} (${existing.source} and ${t.file}): two versions of a package are installed at different levels. Deduplicate them (npm dedupe) and build again.`,
      );
    }
    planned.set(location.path, { path: location.path, source: t.file, reason: t.reason });
  }
  for (const file of includedFiles(projectDir, include)) planned.set(file.path, file);
  const sorted = [...planned.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
  const { kept, refused } = filterSecrets(sorted, (f) => f.path, allowSecrets);
  return { files: kept, refused, missing: traced.missing };
}
