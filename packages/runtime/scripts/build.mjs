// Builds dist/: one ESM file per package.json "exports" subpath, with the parts the runtime loads
// on first use (CloudEvents handling, tracing) split into chunks that stay lazy. Importing the
// runtime then reads a couple of files instead of one per source module, which is most of what
// `import '@thaw/runtime'` costs. Bare specifiers (node:*, pg, ioredis, generic-pool, cloudevents,
// @opentelemetry/*) stay external: optional peers keep loading with import() on first use.
// Type declarations still come from tsc (tsconfig.build.json, emitDeclarationOnly).
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(packageDir, 'dist');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: packageDir,
  entryPoints: {
    index: 'src/index.ts',
    'pools/index': 'src/pools/index.ts',
  },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.12',
  packages: 'external',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  sourcesContent: false,
  // Readable output: stack traces from the runtime should point at recognisable code.
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
});
// What the builds of their own below share: unbundled dependencies, ES modules, linked maps.
const separateBuild = {
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node22.12',
  packages: 'external',
  sourcemap: 'linked',
  sourcesContent: false,
  minify: false,
  legalComments: 'none',
  logLevel: 'warning',
};
// The adapters (@thaw/runtime/adapters) are a build of their own: in the build above they would
// share chunks with the main entry and make its import read more files. They reach the runtime
// through its public entry (kept external, as ../index.js), so one copy of its state exists.
const publicEntries = new Set([join(packageDir, 'src', 'index.ts'), join(packageDir, 'src', 'errors.ts')]);
await build({
  absWorkingDir: packageDir,
  entryPoints: { 'adapters/index': 'src/adapters/index.ts' },
  ...separateBuild,
  plugins: [
    {
      name: 'runtime-entry-external',
      setup(build) {
        build.onResolve({ filter: /^\./ }, (args) =>
          publicEntries.has(join(args.resolveDir, args.path))
            ? { path: '../index.js', external: true }
            : undefined,
        );
      },
    },
  ],
});
// The module-spans preload (`node --import @thaw/runtime/module-spans`) is a build of its own
// too: shared with the main entry, the profile starter would become one more chunk that every
// `import '@thaw/runtime'` reads. Its state lives on a global key, so the copy inlined here and
// the main entry's agree.
await build({
  absWorkingDir: packageDir,
  entryPoints: { 'module-spans': 'src/module-spans.ts' },
  ...separateBuild,
});
