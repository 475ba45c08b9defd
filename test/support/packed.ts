import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** Repository root. */
export const repoRoot = resolve(import.meta.dirname, '..', '..');

const packageDirs = ['runtime', 'bench', 'slim', 'cli'] as const;

/**
 * Packs every workspace package as `npm publish` would (`npm pack`, built `dist/` required)
 * into `dir` and returns the tarball paths by package folder name.
 */
export function packWorkspace(dir: string): Record<(typeof packageDirs)[number], string> {
  mkdirSync(dir, { recursive: true });
  for (const name of packageDirs) {
    execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], {
      cwd: join(repoRoot, 'packages', name),
      stdio: 'pipe',
    });
  }
  const files = readdirSync(dir);
  const find = (name: string): string => {
    const file = files.find((f) => f.startsWith(`thaw-${name}-`) && f.endsWith('.tgz'));
    if (file === undefined) throw new Error(`npm pack wrote no tarball for @thaw/${name} into ${dir}`);
    return join(dir, file);
  };
  return { runtime: find('runtime'), bench: find('bench'), slim: find('slim'), cli: find('cli') };
}

/**
 * An empty scratch project, no workspace above it, with exactly `tarballs` installed as a user
 * would (`npm install ./thaw-slim-x.tgz …`) and `extraDependencies` from the registry. Returns
 * its directory.
 */
export function scratchProject(
  tarballs: readonly string[],
  extraDependencies: readonly string[] = [],
  dir: string = mkdtempSync(join(tmpdir(), 'thaw-e2e-')),
): string {
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'scratch-function', private: true, type: 'module' }, null, 2),
  );
  execFileSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...tarballs,
      ...extraDependencies,
    ],
    { cwd: dir, stdio: 'pipe' },
  );
  return dir;
}

/**
 * A scratch "function" project with every packed tarball installed as a user would:
 * `npm install ./thaw-runtime-x.tgz …`. Returns its directory.
 */
export function scratchProjectWithTarballs(extraDependencies: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-e2e-'));
  const tarballs = packWorkspace(join(dir, '.tarballs'));
  return scratchProject(
    [tarballs.runtime, tarballs.bench, tarballs.slim, tarballs.cli],
    extraDependencies,
    dir,
  );
}
