import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { SlimConfigError, SlimError } from './errors.ts';

/**
 * Every file's mtime in the deploy folder, in seconds: `SOURCE_DATE_EPOCH` when set (the
 * reproducible-builds convention), else 1980-01-01.
 *
 * @example
 * ```ts
 * fixedMtimeSeconds({ SOURCE_DATE_EPOCH: '1700000000' }); // 1700000000
 * ```
 */
export function fixedMtimeSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const text = env['SOURCE_DATE_EPOCH'];
  if (text === undefined || text === '') return 315_532_800;
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new SlimConfigError(
      'SOURCE_DATE_EPOCH',
      text,
      'whole seconds since 1970-01-01, such as 1700000000',
    );
  }
  return value;
}

/**
 * Empties (or creates) the deploy folder. Refuses a folder that holds the project or that has
 * files but no `thaw-slim.json`, so a wrong `--out` never deletes someone's work.
 *
 * @example
 * ```ts
 * prepareOutDir('/srv/fn/deploy', '/srv/fn');
 * ```
 */
export function prepareOutDir(outDir: string, projectDir: string): void {
  const fromOut = relative(outDir, projectDir);
  if (fromOut === '' || (!fromOut.startsWith('..') && !fromOut.startsWith(sep))) {
    throw new SlimError(
      'THAW_SLIM_CONFIG_INVALID',
      `Invalid outDir: ${outDir} contains the project itself; choose a folder inside it, such as deploy.`,
    );
  }
  if (existsSync(outDir)) {
    const entries = readdirSync(outDir);
    if (entries.length > 0 && !entries.includes('thaw-slim.json')) {
      throw new SlimError(
        'THAW_SLIM_CONFIG_INVALID',
        `Invalid outDir: ${outDir} already has files and no thaw-slim.json, so it is not a deploy folder thaw wrote. Choose an empty or new folder.`,
      );
    }
    rmSync(outDir, { recursive: true, force: true });
  }
  mkdirSync(outDir, { recursive: true });
}

/** Writes bytes at a path relative to the deploy folder, creating folders. */
export function writeOut(outDir: string, path: string, contents: Uint8Array | string): void {
  const target = resolve(outDir, path);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, contents);
}

/** Copies a file into the deploy folder. */
export function copyIn(outDir: string, path: string, source: string): void {
  const target = resolve(outDir, path);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(source, target);
}

/** Every file under the folder, as sorted `/`-separated relative paths. */
export function listFiles(dir: string, base: string = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, base));
    else out.push(relative(base, path).split(sep).join('/'));
  }
  return out.sort();
}

/** Size in bytes of a file in the deploy folder. */
export function sizeOf(outDir: string, path: string): number {
  return statSync(resolve(outDir, path)).size;
}

/**
 * Gives every file mode 0644 and every folder 0755, and sets all mtimes to the fixed time,
 * deepest first, so two builds of the same input give byte-identical folders and tar layers.
 *
 * @example
 * ```ts
 * normalizeFiles('/srv/fn/deploy', fixedMtimeSeconds());
 * ```
 */
export function normalizeFiles(dir: string, seconds: number): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) normalizeFiles(path, seconds);
    else {
      chmodSync(path, 0o644);
      utimesSync(path, seconds, seconds);
    }
  }
  chmodSync(dir, 0o755);
  utimesSync(dir, seconds, seconds);
}
