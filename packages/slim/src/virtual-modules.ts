// Source text of the modules slim adds to a bundle: the banner every chunk starts with, the
// registry of packages handed to require by stubs, and the wrappers of lazily imported packages.
import { spawnSync } from 'node:child_process';

// ESM output keeps top-level await and import.meta, and lets esbuild split dynamic import()s
// into chunks that load only when reached. Bundled CommonJS code still needs a real `require`
// (for externals and built-ins); it gets one made for the chunk's own URL.
export const banner = [
  "import { createRequire as __thawCreateRequire } from 'node:module';",
  "import { fileURLToPath as __thawFileURLToPath } from 'node:url';",
  'const require = __thawCreateRequire(import.meta.url);',
  'const __thaw_filename = __thawFileURLToPath(import.meta.url);',
  "const __thaw_dirname = __thawFileURLToPath(new URL('.', import.meta.url));",
].join('\n');

/** Specifier prefix the registry uses to reach the real, bundled package. */
export const bundledPrefix = 'thaw-bundled:';

/** The global key under which a bundle registers the packages its stubs hand to `require`. */
export const bundledRegistryKey = 'thaw.slim.bundled';

/** The module that registers each stubbed package's loader under {@link bundledRegistryKey}. */
export function registrySource(names: Iterable<string>): string {
  return [
    `const key = Symbol.for(${JSON.stringify(bundledRegistryKey)});`,
    'const registry = globalThis[key] ?? (globalThis[key] = new Map());',
    ...[...names]
      .sort()
      .map(
        (name) =>
          `registry.set(${JSON.stringify(name)}, () => require(${JSON.stringify(bundledPrefix + name)}));`,
      ),
    '',
  ].join('\n');
}

// Node gives a dynamically imported CommonJS package named exports; an esbuild chunk would give
// only `default`. The names are read in a throwaway Node process, so nothing the package does
// when it loads touches the build.
const exportNamesScript = `
const m = require(process.argv[1]);
const esm = m !== null && typeof m === 'object' && m[Symbol.toStringTag] === 'Module';
const names = m === null || (typeof m !== 'object' && typeof m !== 'function') ? [] : Object.keys(m);
process.stdout.write(JSON.stringify({ esm, names }));
`;

const identifier = /^[A-Za-z_$][\w$]*$/;

/** The ESM wrapper a dynamically imported package is reached through. */
export function lazyWrapper(specifier: string, resolvedFile: string): string {
  const from = JSON.stringify(specifier);
  const result = spawnSync(process.execPath, ['-e', exportNamesScript, resolvedFile], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  let parsed: { esm: boolean; names: string[] } = { esm: true, names: ['default'] };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    // Could not load it at build time: fall back to what esbuild does on its own.
  }
  if (parsed.esm) {
    // Re-exporting a default that an ES module does not have is a bundling error.
    const withDefault = parsed.names.includes('default') ? `export { default } from ${from};\n` : '';
    return `export * from ${from};\n${withDefault}`;
  }
  const names = parsed.names.filter((n) => identifier.test(n) && n !== 'default' && n !== '__esModule');
  const named = names.length > 0 ? `export { ${names.sort().join(', ')} } from ${from};\n` : '';
  return `export { default } from ${from};\n${named}`;
}
