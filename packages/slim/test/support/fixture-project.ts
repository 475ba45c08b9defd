import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

/** Repository root and the slim package's fixtures. */
export const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..');
export const fixturesDir = resolve(import.meta.dirname, '..', 'fixtures');

/** Where Node-API headers are, looked up next to the running Node and in the usual system places. */
function nodeApiHeaders(): string | null {
  const candidates = [
    join(dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
  ];
  return candidates.find((dir) => existsSync(join(dir, 'node_api.h'))) ?? null;
}

/**
 * Compiles the fixture's Node-API addon into `<packageDir>/build/Release/addon.node` with the
 * system C compiler. Throws with the compiler's output when it cannot.
 */
export function buildAddon(packageDir: string): void {
  const headers = nodeApiHeaders();
  if (headers === null) throw new Error('No Node-API headers (node_api.h) found to build the fixture addon.');
  mkdirSync(join(packageDir, 'build', 'Release'), { recursive: true });
  const result = spawnSync(
    'cc',
    [
      '-shared',
      '-fPIC',
      '-O2',
      `-I${headers}`,
      join(packageDir, 'addon.c'),
      '-o',
      join(packageDir, 'build', 'Release', 'addon.node'),
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0)
    throw new Error(`cc failed to build the fixture addon: ${result.stderr}${String(result.error ?? '')}`);
}

/**
 * Copies a fixture function into a scratch folder and installs its dependencies the way npm
 * would lay them out for it: each dependency the repository has installed is linked into the
 * scratch `node_modules`; `thaw-fixture-addon` is copied and compiled there.
 */
export function fixtureProject(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `thaw-slim-${name}-`));
  cpSync(join(fixturesDir, name), dir, { recursive: true });
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    const target = join(dir, 'node_modules', dep);
    mkdirSync(dirname(target), { recursive: true });
    if (dep === 'thaw-fixture-addon') {
      cpSync(join(fixturesDir, 'addon'), target, { recursive: true });
      buildAddon(target);
      continue;
    }
    const installed = join(repoRoot, 'node_modules', dep);
    if (existsSync(installed)) symlinkSync(realpathSync(installed), target, 'dir');
    else if (existsSync(join(fixturesDir, 'packages', dep)))
      cpSync(join(fixturesDir, 'packages', dep), target, { recursive: true });
    else throw new Error(`The fixture ${name} depends on ${dep}, which is not installed in the repository.`);
  }
  return dir;
}
