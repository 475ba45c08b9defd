// Which package a file belongs to: the name in the nearest package.json above it that has one
// (folders are read once each), else the last `node_modules/<name>` in its path (a bundle's
// sources can point at a machine the bundle was built on).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const nodeModulesName = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/;

/** Finds the owning package of files, caching each folder's answer. */
export class PackageResolver {
  readonly #byDir = new Map<string, string | null>();

  /** The package name that owns `file`, or undefined when none is found. */
  packageOf(file: string): string | undefined {
    // The walk passes over nameless package.json files (`{"type":"module"}` in a package's
    // dist/esm); the path is the answer when no manifest is found (sources of a bundle built
    // elsewhere).
    return this.#nameAbove(dirname(file)) ?? nodeModulesName.exec(file)?.[1];
  }

  #nameAbove(dir: string): string | undefined {
    const seen: string[] = [];
    let found: string | null = null;
    for (let current = dir; ; current = dirname(current)) {
      const cached = this.#byDir.get(current);
      if (cached !== undefined) {
        found = cached;
        break;
      }
      seen.push(current);
      const name = readName(join(current, 'package.json'));
      if (name !== undefined) {
        found = name;
        break;
      }
      if (dirname(current) === current) break;
    }
    for (const d of seen) this.#byDir.set(d, found);
    return found ?? undefined;
  }
}

function readName(file: string): string | undefined {
  try {
    const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown };
    return typeof name === 'string' && name !== '' ? name : undefined;
  } catch {
    return undefined;
  }
}
