import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SlimError } from './errors.ts';

function exportsEntry(exportsField: unknown): string | undefined {
  if (typeof exportsField === 'string') return exportsField;
  if (typeof exportsField !== 'object' || exportsField === null) return undefined;
  const record = exportsField as Record<string, unknown>;
  const dot =
    '.' in record ? record['.'] : Object.keys(record).some((k) => k.startsWith('.')) ? undefined : record;
  if (typeof dot === 'string') return dot;
  if (typeof dot !== 'object' || dot === null) return undefined;
  const conditions = dot as Record<string, unknown>;
  for (const key of ['node', 'import', 'default', 'require']) {
    const found = exportsEntry(conditions[key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The absolute path of the function's entry: the one given, else `package.json` `main`, else its
 * `exports['.']` (conditions `node`, `import`, `default`, `require`, in that order). When that
 * names compiled output that is not there (`dist/index.js`), its TypeScript source
 * (`src/index.ts`) is used.
 *
 * @example
 * ```ts
 * resolveEntry('/srv/fn', undefined, { main: 'src/index.ts' }); // '/srv/fn/src/index.ts'
 * ```
 */
export function resolveEntry(
  projectDir: string,
  entry: string | undefined,
  pkg: Record<string, unknown> | null,
): string {
  const main = typeof pkg?.['main'] === 'string' ? pkg['main'] : undefined;
  const chosen = entry ?? main ?? exportsEntry(pkg?.['exports']);
  if (chosen === undefined) {
    throw new SlimError(
      'THAW_SLIM_ENTRY_NOT_FOUND',
      'No entry module was given and package.json has no "main" or "exports". Pass one: thaw slim src/index.ts.',
    );
  }
  const file = resolve(projectDir, chosen);
  if (!existsSync(file) && entry === undefined) {
    // `main` usually names the compiled output; bundling the TypeScript source it comes from
    // gives the same program without a separate tsc step.
    const source = resolve(
      projectDir,
      chosen.replace(/^(\.\/)?(dist|build|lib)\//, 'src/').replace(/\.(m|c)?js$/, '.$1ts'),
    );
    if (source !== file && existsSync(source)) return source;
  }
  if (!existsSync(file)) {
    throw new SlimError(
      'THAW_SLIM_ENTRY_NOT_FOUND',
      `The entry module ${chosen} does not exist in ${projectDir}. Check the path or package.json "main".`,
    );
  }
  return file;
}

/**
 * The esbuild target for the lowest Node version `engines.node` allows (`^22.12.0 || ^24` →
 * `node22.12.0`), or the running Node's major when the range names none.
 *
 * @example
 * ```ts
 * targetFromEngines('>=20.10'); // 'node20.10'
 * ```
 */
export function targetFromEngines(range: unknown, runningVersion: string = process.versions.node): string {
  if (typeof range === 'string') {
    const versions = [...range.matchAll(/(?:^|[\s|>=^~v])(\d+)(?:\.(\d+))?(?:\.(\d+))?/g)].map(
      (m): [number, number, number] => [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)],
    );
    versions.sort(([a1, a2, a3], [b1, b2, b3]) => a1 - b1 || a2 - b2 || a3 - b3);
    const lowest = versions[0];
    if (lowest !== undefined) return `node${lowest.join('.')}`;
  }
  return `node${runningVersion.split('.')[0] ?? '22'}`;
}
