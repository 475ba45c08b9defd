import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** One installed package of the production closure. */
export interface InstalledPackage {
  readonly name: string;
  /** Real path of its folder. */
  readonly dir: string;
  /** Files and bytes of the package itself, nested node_modules excluded. */
  readonly files: number;
  readonly bytes: number;
}

function findPackageDir(name: string, fromDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function readManifest(dir: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function dependencyNames(manifest: Record<string, unknown>): string[] {
  const names = new Set<string>();
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    const deps = manifest[field];
    if (typeof deps === 'object' && deps !== null) for (const name of Object.keys(deps)) names.add(name);
  }
  const optionalPeers = manifest['peerDependenciesMeta'];
  if (typeof optionalPeers === 'object' && optionalPeers !== null) {
    for (const [name, meta] of Object.entries(optionalPeers as Record<string, { optional?: boolean }>)) {
      if (meta.optional === true) names.delete(name);
    }
  }
  return [...names].sort();
}

function measure(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === 'node_modules' && current === dir) continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        files += 1;
        bytes += statSync(path).size;
      }
    }
  };
  walk(dir);
  return { files, bytes };
}

/**
 * The packages `npm ci --omit=dev` would install for the project: its `dependencies` and
 * `optionalDependencies`, then theirs (and required peers), resolved the way Node resolves them
 * from where each package really lives. Packages that are not installed are left out.
 *
 * @example
 * ```ts
 * const closure = productionClosure('/srv/my-function');
 * closure.reduce((sum, p) => sum + p.bytes, 0);
 * ```
 */
export function productionClosure(projectDir: string): InstalledPackage[] {
  const seen = new Map<string, InstalledPackage>();
  const queue: { name: string; from: string }[] = dependencyNames(readManifest(projectDir)).map((name) => ({
    name,
    from: projectDir,
  }));
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined) break;
    const dir = findPackageDir(next.name, next.from);
    if (dir === null || seen.has(dir)) continue;
    seen.set(dir, { name: next.name, dir, ...measure(dir) });
    for (const name of dependencyNames(readManifest(dir))) queue.push({ name, from: dir });
  }
  return [...seen.values()].sort((a, b) => (a.dir < b.dir ? -1 : 1));
}
