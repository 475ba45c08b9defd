// The shared tracing layer: the OpenTelemetry SDK, its OTLP/HTTP exporter and the
// instrumentations the runtime loads after the first response, bundled once into a folder of
// its own. Its content depends only on the packages this version of @thaw/slim pins (resolved
// from slim's own folder, never from the function's), on a fixed esbuild target and on nothing
// else, so every function built with the same thaw version gets byte-identical files, named
// after their digest; `thaw image` puts them in a layer of their own that a node pulls once for
// all functions. The function's bundle reaches them through the deploy folder's package.json
// `imports` map (`#thaw-tracing/<module>.mjs`), which resolves the same from `index.js` and
// from `chunks/`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { tracingDirPrefix } from './deploy-manifest.ts';
import { SlimError } from './errors.ts';
import { nodeBundleSettings } from './esbuild-settings.ts';

/** Which tracing SDK a deploy folder ships; see the `tracingSdk` option. */
export type TracingSdk = 'otlp-http' | 'full';

/** Every value `tracingSdk` allows. */
export const tracingSdks: readonly TracingSdk[] = ['otlp-http', 'full'];

/**
 * The modules the runtime loads late, all served from the layer. The list is fixed, not read off
 * the function, so that the layer is the same for every function.
 */
export const tracingLayerModules: readonly string[] = [
  '@opentelemetry/api',
  '@opentelemetry/context-async-hooks',
  '@opentelemetry/core',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-ioredis',
  '@opentelemetry/instrumentation-pg',
  '@opentelemetry/resources',
  '@opentelemetry/sdk-node',
  '@opentelemetry/sdk-trace',
];

/**
 * Packages `@opentelemetry/sdk-node` imports that only other exporters need (gRPC, protobuf,
 * Zipkin, Prometheus, and the metrics and logs exporters, which thaw's SDK leaves off unless
 * `OTEL_*` variables ask). In the OTLP/HTTP layer each is a module whose classes throw, when
 * constructed, an error that names the option to change.
 */
export const otlpHttpLeftOut: readonly string[] = [
  '@grpc/grpc-js',
  '@grpc/proto-loader',
  '@opentelemetry/exporter-logs-otlp-grpc',
  '@opentelemetry/exporter-logs-otlp-http',
  '@opentelemetry/exporter-logs-otlp-proto',
  '@opentelemetry/exporter-metrics-otlp-grpc',
  '@opentelemetry/exporter-metrics-otlp-http',
  '@opentelemetry/exporter-metrics-otlp-proto',
  '@opentelemetry/exporter-prometheus',
  '@opentelemetry/exporter-trace-otlp-grpc',
  '@opentelemetry/exporter-trace-otlp-proto',
  '@opentelemetry/exporter-zipkin',
  '@opentelemetry/otlp-grpc-exporter-base',
  'protobufjs',
];

/**
 * Modules of which the layer keeps only what the runtime uses: `NodeSDK` alone leaves out
 * sdk-node's declarative configuration (`startNodeSDK`, with a YAML parser), ~460 kB.
 */
const layerExports: Readonly<Record<string, readonly string[]>> = {
  '@opentelemetry/sdk-node': ['NodeSDK'],
};

/** The specifier prefix the bundle imports the layer's modules by (a package.json `imports` key). */
export const tracingImportPrefix = '#thaw-tracing/';

/** Fixed, whatever the function's own target: the lowest Node the runtime supports. */
const layerTarget = 'node22.12';

/** The layer as files in memory. */
export interface TracingLayer {
  /** `thaw-tracing-<digest>`, the folder the files go into. */
  readonly dir: string;
  /** Files by path relative to the deploy folder (all under {@link dir}). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  /** Each module of {@link tracingLayerModules} found, with the specifier the bundle imports it by. */
  readonly modules: ReadonlyMap<string, string>;
  /** Absolute paths of the packages' files bundled into the layer. */
  readonly inputFiles: readonly string[];
  readonly bytes: number;
}

/** The output name of a module: `@opentelemetry/sdk-node` → `sdk-node`. */
function moduleFileName(name: string): string {
  return name.replace(/^@opentelemetry\//u, '').replace(/[^\w.-]/gu, '-');
}

/** Resolves a module from slim's own folder, and the node_modules folder it sits in. */
function resolveFromSlim(name: string): { file: string; root: string } | undefined {
  let file: string;
  try {
    file = createRequire(import.meta.url).resolve(name);
  } catch {
    return undefined;
  }
  const marker = `${sep}node_modules${sep}${name.split('/').join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  return at < 0 ? undefined : { file, root: file.slice(0, at) };
}

function leftOutSource(name: string): string {
  const message =
    `${name} is not in this deploy folder: thaw slim ships the OpenTelemetry SDK with the OTLP/HTTP trace exporter only (tracingSdk: 'otlp-http'). ` +
    "Build with tracingSdk: 'full' for the exporters other OTEL_* settings choose.";
  return [
    `const message = ${JSON.stringify(message)};`,
    'function LeftOut() { throw new Error(message); }',
    "const names = new Proxy({}, { get: (_, key) => (key === '__esModule' || typeof key === 'symbol' ? undefined : LeftOut) });",
    'module.exports = Object.create(names);',
    '',
  ].join('\n');
}

const identifier = /^[A-Za-z_$][\w$]*$/;

// The names Node's import() gives each module (for a CommonJS package, those its lexer finds),
// read in one throwaway process so that nothing the packages do when they load touches the build.
function exportNames(root: string, names: readonly string[]): Map<string, readonly string[]> {
  const script =
    'const out = {}; for (const name of JSON.parse(process.argv[1])) ' +
    '{ try { out[name] = Object.keys(await import(name)); } catch { out[name] = null; } } ' +
    'process.stdout.write(JSON.stringify(out));';
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(names)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  let parsed: Record<string, string[] | null> = {};
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    // Nothing could be read: each entry falls back to `export *`.
  }
  return new Map(names.map((name) => [name, layerExports[name] ?? parsed[name] ?? []]));
}

function entrySource(name: string, exported: readonly string[]): string {
  const from = JSON.stringify(name);
  const names = exported.filter((n) => identifier.test(n) || n === 'default').sort();
  return names.length === 0 ? `export * from ${from};\n` : `export { ${names.join(', ')} } from ${from};\n`;
}

// Entries re-export each module's names, as Node's import() gives them; left-out packages
// become throwing stand-ins.
function layerPlugin(entries: ReadonlyMap<string, readonly string[]>, leftOut: ReadonlySet<string>): Plugin {
  return {
    name: 'thaw-tracing-layer',
    setup(b) {
      b.onResolve({ filter: /^thaw-tracing-entry:/ }, (args) => ({
        path: args.path.slice('thaw-tracing-entry:'.length),
        namespace: 'thaw-tracing-entry',
      }));
      b.onLoad({ filter: /.*/, namespace: 'thaw-tracing-entry' }, (args) => ({
        contents: entrySource(args.path, entries.get(args.path) ?? []),
        loader: 'js',
        resolveDir: b.initialOptions.absWorkingDir ?? process.cwd(),
      }));
      b.onResolve({ filter: /.*/ }, (args) => {
        const name = args.path.startsWith('@')
          ? args.path.split('/').slice(0, 2).join('/')
          : args.path.split('/')[0];
        return name !== undefined && leftOut.has(name)
          ? { path: name, namespace: 'thaw-tracing-left-out' }
          : undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'thaw-tracing-left-out' }, (args) => ({
        contents: leftOutSource(args.path),
        loader: 'js',
      }));
    },
  };
}

/**
 * Bundles the tracing layer from the OpenTelemetry packages slim itself depends on. Two builds
 * with the same thaw version give the same bytes, whatever function they are for.
 *
 * @example
 * ```ts
 * const layer = await buildTracingLayer();
 * layer.dir; // 'thaw-tracing-3f9c0a1b2d4e'
 * layer.modules.get('@opentelemetry/sdk-node'); // '#thaw-tracing/sdk-node.mjs'
 * ```
 */
export async function buildTracingLayer(): Promise<TracingLayer> {
  const { root, names } = layerPackages();
  const entries = exportNames(root, names);
  // The output directory is virtual: files stay in memory and get their folder name from their digest.
  const outdir = join(root, '.thaw-tracing-layer');
  let result;
  try {
    result = await build({
      // Paths esbuild writes into the output (CommonJS module keys) are relative to the folder
      // holding node_modules: the same in every installation of the same packages.
      absWorkingDir: root,
      entryPoints: [...entries.keys()].map((name) => ({
        in: `thaw-tracing-entry:${name}`,
        out: moduleFileName(name),
      })),
      outdir,
      outExtension: { '.js': '.mjs' },
      ...nodeBundleSettings,
      target: layerTarget,
      minify: true,
      sourcemap: false,
      plugins: [layerPlugin(entries, new Set(otlpHttpLeftOut))],
    });
  } catch (error) {
    throw new SlimError('THAW_SLIM_TRACING_LAYER', `Bundling the tracing layer failed: ${String(error)}.`, {
      cause: error,
    });
  }
  const outputs = result.outputFiles
    .map((file) => ({ path: relative(outdir, file.path).split(sep).join('/'), contents: file.contents }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const dir = layerDir(outputs);
  return {
    dir,
    files: new Map(outputs.map((file) => [`${dir}/${file.path}`, file.contents])),
    modules: new Map(
      [...entries.keys()].map((name) => [name, `${tracingImportPrefix}${moduleFileName(name)}.mjs`]),
    ),
    inputFiles: Object.keys(result.metafile.inputs)
      .filter((key) => !/^[a-z-]+:/u.test(key))
      .map((key) => (isAbsolute(key) ? key : resolve(root, key))),
    bytes: outputs.reduce((sum, file) => sum + file.contents.length, 0),
  };
}

/** The layer's modules found beside slim, and the folder holding their node_modules. */
function layerPackages(): { root: string; names: string[] } {
  const found = new Map<string, { file: string; root: string }>();
  for (const name of tracingLayerModules) {
    const at = resolveFromSlim(name);
    if (at !== undefined) found.set(name, at);
  }
  const root = found.get('@opentelemetry/api')?.root ?? [...found.values()][0]?.root;
  if (root === undefined) {
    throw new SlimError(
      'THAW_SLIM_TRACING_LAYER',
      "The OpenTelemetry packages @thaw/slim depends on are not installed beside it; reinstall @thaw/slim, or build with tracingSdk: 'full'.",
    );
  }
  return { root, names: [...found.keys()] };
}

/** `thaw-tracing-<digest>`: the folder named after the digest of every output path and byte. */
function layerDir(outputs: readonly { path: string; contents: Uint8Array }[]): string {
  const hash = createHash('sha256');
  for (const file of outputs) hash.update(`${file.path}\0${file.contents.length}\0`).update(file.contents);
  return `${tracingDirPrefix}${hash.digest('hex').slice(0, 12)}`;
}
