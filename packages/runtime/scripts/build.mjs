// Builds dist/: one ESM file per package.json "exports" subpath, with the parts the runtime loads
// on first use (CloudEvents handling, tracing, the web classes, the memory guard, the metrics
// page) split into chunks that stay lazy. What `import '@thaw/runtime'` costs is mostly the
// number of files it reads, not their size, so the main entry's whole static import graph is
// built into ONE chunk: dist/index.js re-exports it, and importing the runtime reads two files.
// Bare specifiers (node:*, pg, ioredis, generic-pool, cloudevents, @opentelemetry/*) stay
// external: optional peers keep loading with import() on first use.
// Type declarations still come from tsc (tsconfig.build.json, emitDeclarationOnly).
//
// Why one chunk takes a plugin: esbuild puts each piece of code into the chunk of the set of
// entry points that use it, and every lazy module (each import() target) and the pools entry
// count as entry points. A lazy module that uses two of the main graph's modules would have them
// split into a chunk of their own, one more file for every import of the runtime. So each lazy
// module and the pools entry get an import of the whole main entry appended (a namespace import
// that is only referenced; it emits no code): every entry then uses all of the main graph, and
// esbuild has one set, one chunk. The check after the build fails it if the main entry ever
// reads more than that one chunk.
//
// The pools subpath therefore loads the main chunk too. A pool drains on the process lifecycle
// and is configured by init and serve() options that live in the main graph, so a function
// using pools imports '@thaw/runtime' anyway: in that program the two subpaths read one shared
// chunk, fewer files than before.
import { readFile } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(packageDir, 'dist');
const mainEntry = join(packageDir, 'src', 'index.ts');
const poolsEntry = join(packageDir, 'src', 'pools', 'index.ts');

/** Appends a use of the whole main entry to the pools entry and to every import() target. */
const mainGraphInOneChunk = {
  name: 'main-graph-in-one-chunk',
  setup(build) {
    const lazy = new Set();
    build.onResolve({ filter: /^\./ }, async (args) => {
      if (args.kind !== 'dynamic-import' || args.pluginData?.resolving) return undefined;
      const result = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: { resolving: true },
      });
      if (result.errors.length === 0) lazy.add(result.path);
      return result;
    });
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path !== poolsEntry && !lazy.has(args.path)) return undefined;
      const source = await readFile(args.path, 'utf8');
      const use = `\nimport * as mainGraph from ${JSON.stringify(mainEntry)};\nvoid mainGraph;\n`;
      return { contents: source + use, loader: 'ts' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const { metafile } = await build({
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
  metafile: true,
  plugins: [mainGraphInOneChunk],
});
const mainOutput = metafile.outputs['dist/index.js'];
const mainReads = mainOutput.imports.filter((entry) => !entry.external && entry.kind === 'import-statement');
if (mainReads.length !== 1) {
  throw new Error(
    `dist/index.js imports ${mainReads.length} chunks statically (${mainReads.map((entry) => entry.path).join(', ')}); ` +
      'the main graph should be one chunk.',
  );
}
const mainChunk = metafile.outputs[mainReads[0].path];
const chunkReads = mainChunk.imports.filter((entry) => !entry.external && entry.kind === 'import-statement');
if (chunkReads.length !== 0) {
  throw new Error(
    `${relative('dist', mainReads[0].path)} imports ${chunkReads.map((entry) => entry.path).join(', ')}.`,
  );
}
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
