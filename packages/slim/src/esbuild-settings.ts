// The esbuild settings the function's bundle and the shared tracing layer have in common: ES
// modules for Node, built into memory with a metafile, lazy imports split into `chunks/`,
// tree-shaken, `NODE_ENV` fixed to production, and CommonJS's `__filename`/`__dirname` given by
// the banner. Both outputs load the same way, so they are built with the same settings.
import type { BuildOptions } from 'esbuild';
import { banner } from './virtual-modules.ts';

/** What every esbuild build of @thaw/slim starts from; each adds its entries, target and plugins. */
export const nodeBundleSettings: BuildOptions & { readonly write: false; readonly metafile: true } = {
  bundle: true,
  write: false,
  metafile: true,
  platform: 'node',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  treeShaking: true,
  legalComments: 'none',
  conditions: ['node'],
  define: {
    'process.env.NODE_ENV': '"production"',
    __filename: '__thaw_filename',
    __dirname: '__thaw_dirname',
  },
  banner: { js: banner },
  logLevel: 'silent',
};
