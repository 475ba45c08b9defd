// The entry `thaw slim --from` bundles in front of a function written for another runtime: it
// imports the function's module and serves it with @thaw/runtime's adapter, so the function's own
// file stays as it is. @thaw/cli's `thaw dev --from` writes the same wrapper from its own copy of
// this file (each package installs on its own).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** The runtimes `--from` accepts. */
export const fromRuntimes = ['faas', 'functions-framework'] as const;
export type FromRuntime = (typeof fromRuntimes)[number];

/**
 * Source of an ES module that serves `specifier` (importable from where the wrapper is written)
 * with the adapter for `from`.
 *
 * @example
 * ```ts
 * adapterEntrySource('faas', './index.js'); // import * as fn from './index.js'; serveFaas(fn);
 * ```
 */
export function adapterEntrySource(from: FromRuntime, specifier: string, target?: string): string {
  const quoted = JSON.stringify(specifier);
  if (from === 'faas') {
    return `import { serveFaas } from '@thaw/runtime/adapters';\nimport * as fn from ${quoted};\nserveFaas(fn);\n`;
  }
  const options =
    target === undefined ? '{ module: fn }' : `{ module: fn, target: ${JSON.stringify(target)} }`;
  return `import { serveFunctionsFramework } from '@thaw/runtime/adapters';\nimport * as fn from ${quoted};\nserveFunctionsFramework(${options});\n`;
}

/**
 * Writes the wrapper for `entryFile` into `<projectDir>/.thaw/slim/` and returns its path, the
 * entry thaw slim then bundles.
 *
 * @example
 * ```ts
 * writeAdapterEntry('/srv/fn', '/srv/fn/index.js', 'faas'); // '/srv/fn/.thaw/slim/from-faas.mjs'
 * ```
 */
export function writeAdapterEntry(
  projectDir: string,
  entryFile: string,
  from: FromRuntime,
  target?: string,
): string {
  const dir = join(projectDir, '.thaw', 'slim');
  mkdirSync(dir, { recursive: true });
  let specifier = relative(dir, entryFile).split(sep).join('/');
  if (!specifier.startsWith('.')) specifier = `./${specifier}`;
  const file = join(dir, `from-${from}.mjs`);
  writeFileSync(file, adapterEntrySource(from, specifier, target));
  return file;
}
