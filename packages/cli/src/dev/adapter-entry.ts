// The entry `--from` puts in front of a function written for another runtime: it imports the
// function's module and serves it with thaw's adapter, so the function's own file stays as it is.

/** The runtimes `--from` accepts. */
export const fromRuntimes = ['faas', 'functions-framework'] as const;
export type FromRuntime = (typeof fromRuntimes)[number];

/**
 * Source of an ES module that serves `entry` (a path or specifier importable from where the
 * wrapper is written) with the adapter for `from`.
 *
 * @example
 * ```ts
 * adapterEntrySource('faas', './index.js'); // import * as fn from './index.js'; serveFaas(fn);
 * ```
 */
export function adapterEntrySource(from: FromRuntime, entry: string, target?: string): string {
  const specifier = JSON.stringify(entry);
  if (from === 'faas') {
    return `import { serveFaas } from '@thaw/runtime/adapters';\nimport * as fn from ${specifier};\nserveFaas(fn);\n`;
  }
  const options =
    target === undefined ? '{ module: fn }' : `{ module: fn, target: ${JSON.stringify(target)} }`;
  return `import { serveFunctionsFramework } from '@thaw/runtime/adapters';\nimport * as fn from ${specifier};\nserveFunctionsFramework(${options});\n`;
}
