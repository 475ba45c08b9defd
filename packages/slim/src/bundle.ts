import { isAbsolute, relative, resolve as resolvePath, sep } from 'node:path';
import {
  build,
  type BuildOptions,
  type BuildResult,
  type Metafile,
  type OnResolveArgs,
  type OnResolveResult,
  type Plugin,
  type PluginBuild,
  type ResolveResult,
} from 'esbuild';
import { PartDeferrals, type DeferralOutcome } from './defer-parts.ts';
import { SlimError } from './errors.ts';
import { nodeBundleSettings } from './esbuild-settings.ts';
import { nodeModulesPathOf, packageOfSpecifier } from './package-name.ts';
import { bundledPrefix, lazyWrapper, registrySource } from './virtual-modules.ts';

/** What {@link bundle} needs. */
export interface BundleInput {
  readonly projectDir: string;
  /** Absolute path of the entry module. */
  readonly entryFile: string;
  /** Absolute path of the deploy folder (paths in source maps are relative to it). */
  readonly outDir: string;
  readonly target: string;
  readonly minify: boolean;
  readonly sourceMap: boolean;
  /** Packages left out of the bundle (they are traced into node_modules). */
  readonly external: ReadonlySet<string>;
  /** Packages left out and always loaded with `require`, so OpenTelemetry's hooks see them. */
  readonly requireExternal: ReadonlySet<string>;
  /**
   * Packages bundled but still loaded with `require`: the bundle registers each under
   * `Symbol.for('thaw.slim.bundled')` and a stub in `node_modules/<name>` hands it to `require`, so
   * OpenTelemetry's hooks patch it without its files on disk. Maps each name to the folder it
   * resolves from.
   */
  readonly requireBundled: ReadonlyMap<string, string>;
  /** The shared tracing layer the runtime's late OpenTelemetry imports go to, when one ships. */
  readonly tracingLayer?: TracingLayerLink | undefined;
  /** Packages whose rarely used parts load on first use (see `defer-parts.ts`). @default none */
  readonly deferParts?: ReadonlySet<string> | undefined;
  /**
   * Real path of the `@thaw/runtime` package folder, if the function uses it: its `import()` of a
   * package with deferred parts reads only the default export (the runtime picks members from it).
   */
  readonly runtimeDir?: string | undefined;
}

/** How the bundle reaches the shared tracing layer. */
export interface TracingLayerLink {
  /** Module name → the specifier the bundle imports it by (`#thaw-tracing/sdk-node.mjs`). */
  readonly modules: ReadonlyMap<string, string>;
  /** Real path of the `@thaw/runtime` package folder: only its imports go to the layer. */
  readonly runtimeDir: string;
}

/** A package the bundle loads from `node_modules` at run time. */
export interface ExternalUse {
  readonly packageName: string;
  /** The file the import resolved to at build time (the trace starts there). */
  readonly resolvedFile: string;
  readonly importer: string;
}

/** An optional `require`/`import()` of a package that is not installed (like `pg-native`). */
export interface OptionalMissing {
  readonly specifier: string;
  /** Importing file, relative to the project. */
  readonly importer: string;
}

/** The bundle as files in memory plus what esbuild learned about the inputs. */
export interface BundleResult {
  /** Output files by path relative to the deploy folder (`index.js`, `chunks/…`, maps). */
  readonly files: ReadonlyMap<string, Uint8Array>;
  readonly metafile: Metafile;
  /** Packages loaded at run time from `node_modules`, by name. */
  readonly externals: ReadonlyMap<string, ExternalUse>;
  /** Packages bundled behind a `node_modules` stub (see `requireBundled`), by name. */
  readonly stubbed: ReadonlyMap<string, ExternalUse>;
  /** Packages `require.resolve`d by bundled code: they must exist on disk. */
  readonly resolvedAtRunTime: ReadonlySet<string>;
  /** Packages that load a native `.node` addon, with the addon's path. */
  readonly nativeAddons: ReadonlyMap<string, string>;
  readonly optionalMissing: readonly OptionalMissing[];
  /** Modules the bundle imports from the shared tracing layer. */
  readonly fromTracingLayer: ReadonlySet<string>;
  /** Each bundled package folder a deferral was asked for: its edited files, or why none were made. */
  readonly deferrals: readonly DeferralOutcome[];
  readonly warnings: readonly string[];
}

const requireNamespace = 'thaw-require';
const entryNamespace = 'thaw-entry';
const registryNamespace = 'thaw-registry';
const lazyNamespace = 'thaw-lazy';

// The plugin's hooks, one concern each, registered in the order esbuild must try them: the
// virtual entry and registry, bundled-behind-a-stub packages, native addons, then every other
// package specifier.
function externalsPlugin(input: BundleInput, state: PluginState): Plugin {
  return {
    name: 'thaw-externals',
    setup(b: PluginBuild) {
      wrapEntry(b, input);
      resolveStubbedPackages(b, input, state);
      keepNativeAddons(b, state);
      b.onResolve({ filter: /.*/ }, (args) => resolvePackage(b, input, state, args));
      loadWrappers(b);
      deferParts(b, state);
    },
  };
}

// With stubbed packages the entry is wrapped: the registry fills before any user code runs.
function wrapEntry(b: PluginBuild, input: BundleInput): void {
  b.onResolve({ filter: /^thaw-(entry|registry)$/ }, (args) => ({
    path: args.path,
    namespace: args.path === 'thaw-entry' ? entryNamespace : registryNamespace,
  }));
  b.onLoad({ filter: /.*/, namespace: entryNamespace }, () => ({
    contents: `import 'thaw-registry';\nimport ${JSON.stringify(input.entryFile)};\n`,
    loader: 'js',
    resolveDir: input.projectDir,
  }));
  b.onLoad({ filter: /.*/, namespace: registryNamespace }, () => ({
    contents: registrySource(input.requireBundled.keys()),
    loader: 'js',
    resolveDir: input.projectDir,
  }));
}

function resolveStubbedPackages(b: PluginBuild, input: BundleInput, state: PluginState): void {
  b.onResolve({ filter: /^thaw-bundled:/ }, async (args) => {
    const name = args.path.slice(bundledPrefix.length);
    const resolved = await b.resolve(name, {
      kind: 'require-call',
      resolveDir: input.requireBundled.get(name) ?? input.projectDir,
      pluginData: { thawSkip: true },
    });
    if (resolved.errors.length > 0) return { errors: resolved.errors };
    state.stubbed.set(name, { packageName: name, resolvedFile: resolved.path, importer: args.importer });
    return { path: resolved.path, namespace: resolved.namespace };
  });
}

// A compiled addon cannot be inlined: its package has to stay on disk, whole.
function keepNativeAddons(b: PluginBuild, state: PluginState): void {
  b.onResolve({ filter: /\.node$/ }, (args) => {
    const location = nodeModulesPathOf(resolvePath(args.resolveDir, args.path));
    if (location !== null && !state.nativeAddons.has(location.packageName)) {
      state.nativeAddons.set(location.packageName, location.path);
    }
    return { path: args.path, external: true };
  });
}

/** esbuild's own resolution of a specifier, past this plugin. */
function resolveAsUsual(b: PluginBuild, args: OnResolveArgs): Promise<ResolveResult> {
  return b.resolve(args.path, {
    kind: args.kind,
    resolveDir: args.resolveDir,
    importer: args.importer,
    pluginData: { thawSkip: true },
  });
}

async function resolvePackage(
  b: PluginBuild,
  input: BundleInput,
  state: PluginState,
  args: OnResolveArgs,
): Promise<OnResolveResult | undefined> {
  if ((args.pluginData as { thawSkip?: boolean } | undefined)?.thawSkip === true) return undefined;
  const name = packageOfSpecifier(args.path);
  if (name === null) return undefined;
  const layered = toTracingLayer(input, state, args);
  if (layered !== undefined) return layered;
  // A lazily imported package keeps Node's named exports through a small ESM wrapper.
  if (args.kind === 'dynamic-import' && !input.external.has(name)) {
    const resolved = await resolveAsUsual(b, args);
    if (resolved.errors.length === 0 && !resolved.external) {
      // The runtime picks what it needs off the default export; naming every export would read
      // them all, the deferred parts too, when the namespace is made.
      const defaultOnly =
        isInside(input.runtimeDir, args.importer) && state.deferrals.deferredFor(resolved.path);
      return {
        path: `thaw-lazy/${args.path}${defaultOnly ? '.default' : ''}.mjs`,
        namespace: lazyNamespace,
        pluginData: {
          resolveDir: args.resolveDir,
          specifier: args.path,
          resolvedFile: resolved.path,
          defaultOnly,
        },
      };
    }
  }
  const viaRequire = input.requireExternal.has(name) || input.requireBundled.has(name);
  if (viaRequire || input.external.has(name)) return keepPackage(b, input, state, args, name, viaRequire);
  return bundlePackage(b, input, state, args, name);
}

// The runtime's late OpenTelemetry imports go to the shared layer, `@opentelemetry/api`
// included: the runtime and the layer's SDK then share one copy of the API, of the version the
// SDK was built with (an application's own API, bundled as usual, meets them through the API's
// global).
function toTracingLayer(
  input: BundleInput,
  state: PluginState,
  args: OnResolveArgs,
): OnResolveResult | undefined {
  const layer = input.tracingLayer;
  if (layer === undefined || args.kind !== 'dynamic-import') return undefined;
  const target = layer.modules.get(args.path);
  if (target === undefined || !args.importer.startsWith(`${layer.runtimeDir}${sep}`)) return undefined;
  state.fromTracingLayer.add(args.path);
  return { path: target, external: true };
}

/** A package left out of the bundle: recorded for the trace, loaded by `require` when it must be. */
async function keepPackage(
  b: PluginBuild,
  input: BundleInput,
  state: PluginState,
  args: OnResolveArgs,
  name: string,
  viaRequire: boolean,
): Promise<OnResolveResult> {
  // import statements of require-loaded packages go through a one-line CommonJS module,
  // so Node loads them with require() and the instrumentation's hook patches them.
  if (viaRequire && args.kind !== 'require-call' && args.kind !== 'require-resolve') {
    return { path: args.path, namespace: requireNamespace, pluginData: { resolveDir: args.resolveDir } };
  }
  if (input.requireBundled.has(name)) return { path: args.path, external: true };
  const resolved = await resolveAsUsual(b, args);
  if (resolved.errors.length === 0 && !state.externals.has(name)) {
    state.externals.set(name, { packageName: name, resolvedFile: resolved.path, importer: args.importer });
  }
  return { path: args.path, external: true };
}

/** A package bundled as esbuild resolves it; an optional one that is not installed stays out. */
async function bundlePackage(
  b: PluginBuild,
  input: BundleInput,
  state: PluginState,
  args: OnResolveArgs,
  name: string,
): Promise<OnResolveResult | undefined> {
  const resolved = await resolveAsUsual(b, args);
  if (resolved.errors.length > 0) {
    if (args.kind === 'require-call' || args.kind === 'dynamic-import' || args.kind === 'require-resolve') {
      state.optionalMissing.push({
        specifier: args.path,
        importer: displayPath(input.projectDir, args.importer),
      });
      return { path: args.path, external: true };
    }
    return undefined;
  }
  if (args.kind === 'require-resolve') state.resolvedAtRunTime.add(name);
  return {
    path: resolved.path,
    external: resolved.external,
    namespace: resolved.namespace,
    sideEffects: resolved.sideEffects,
    suffix: resolved.suffix,
    pluginData: resolved.pluginData as unknown,
  };
}

function isInside(dir: string | undefined, file: string): boolean {
  return dir !== undefined && file.startsWith(`${dir}${sep}`);
}

function loadWrappers(b: PluginBuild): void {
  b.onLoad({ filter: /.*/, namespace: lazyNamespace }, (args) => {
    const data = args.pluginData as {
      resolveDir: string;
      specifier: string;
      resolvedFile: string;
      defaultOnly: boolean;
    };
    return {
      contents: data.defaultOnly
        ? `export { default } from ${JSON.stringify(data.specifier)};\n`
        : lazyWrapper(data.specifier, data.resolvedFile),
      loader: 'js',
      resolveDir: data.resolveDir,
    };
  });
  b.onLoad({ filter: /.*/, namespace: requireNamespace }, (args) => ({
    contents: `module.exports = require(${JSON.stringify(args.path)});`,
    loader: 'js',
    resolveDir: (args.pluginData as { resolveDir: string }).resolveDir,
  }));
}

// The files a deferral edits load edited; every other file as esbuild reads it.
function deferParts(b: PluginBuild, state: PluginState): void {
  const names = state.deferrals.names;
  if (names.length === 0) return;
  const folders = names.map((name) => name.split('/').map(escapeRegExp).join('[\\\\/]'));
  const filter = new RegExp(`[\\\\/]node_modules[\\\\/](?:${folders.join('|')})[\\\\/]`);
  b.onLoad({ filter, namespace: 'file' }, (args) => {
    const contents = state.deferrals.sourceOf(args.path);
    return contents === undefined ? undefined : { contents, loader: 'js' };
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface PluginState {
  externals: Map<string, ExternalUse>;
  stubbed: Map<string, ExternalUse>;
  nativeAddons: Map<string, string>;
  resolvedAtRunTime: Set<string>;
  optionalMissing: OptionalMissing[];
  fromTracingLayer: Set<string>;
  deferrals: PartDeferrals;
}

function displayPath(projectDir: string, file: string): string {
  if (!isAbsolute(file)) return file;
  return relative(projectDir, file).split('\\').join('/');
}

/**
 * Bundles the function with esbuild into memory: ESM for Node, tree-shaken, minified, dynamic
 * `import()`s split into lazily loaded chunks, source maps beside each file.
 *
 * @example
 * ```ts
 * const result = await bundle({ projectDir, entryFile, outDir, target: 'node22', minify: true,
 *   sourceMap: true, external: new Set(), requireExternal: new Set(['pg']) });
 * ```
 */
export async function bundle(input: BundleInput): Promise<BundleResult> {
  const state: PluginState = {
    externals: new Map(),
    stubbed: new Map(),
    nativeAddons: new Map(),
    resolvedAtRunTime: new Set(),
    optionalMissing: [],
    fromTracingLayer: new Set(),
    deferrals: new PartDeferrals(input.deferParts ?? []),
  };
  let result: BuildResult<{ metafile: true; write: false }>;
  try {
    result = await build(buildOptions(input, state));
  } catch (error) {
    throw bundleFailure(input, error);
  }
  const files = new Map<string, Uint8Array>();
  for (const file of result.outputFiles) {
    files.set(relative(input.outDir, file.path).split('\\').join('/'), file.contents);
  }
  return {
    files,
    metafile: result.metafile,
    externals: state.externals,
    stubbed: state.stubbed,
    nativeAddons: state.nativeAddons,
    resolvedAtRunTime: state.resolvedAtRunTime,
    optionalMissing: dedupe(state.optionalMissing),
    fromTracingLayer: state.fromTracingLayer,
    deferrals: state.deferrals.outcomes,
    warnings: result.warnings.map((w) => `${w.location?.file ?? ''}: ${w.text}`),
  };
}

function buildOptions(
  input: BundleInput,
  state: PluginState,
): BuildOptions & { metafile: true; write: false } {
  return {
    absWorkingDir: input.projectDir,
    entryPoints: [{ in: input.requireBundled.size > 0 ? 'thaw-entry' : input.entryFile, out: 'index' }],
    outdir: input.outDir,
    ...nodeBundleSettings,
    target: input.target,
    minify: input.minify,
    sourcemap: input.sourceMap ? 'linked' : false,
    sourcesContent: false,
    plugins: [externalsPlugin(input, state)],
  };
}

function bundleFailure(input: BundleInput, error: unknown): SlimError {
  const detail = (
    error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }
  ).errors
    ?.slice(0, 5)
    .map((e) => (e.location ? `${e.location.file}:${e.location.line}: ${e.text}` : e.text))
    .join('; ');
  return new SlimError(
    'THAW_SLIM_BUNDLE_FAILED',
    `esbuild could not bundle ${displayPath(input.projectDir, input.entryFile)}: ${detail ?? String(error)}. ` +
      'Fix the import, or list the package in `external`.',
    { cause: error },
  );
}

function dedupe(items: readonly OptionalMissing[]): OptionalMissing[] {
  const seen = new Map<string, OptionalMissing>();
  for (const item of items) if (!seen.has(item.specifier)) seen.set(item.specifier, item);
  return [...seen.values()].sort((a, b) => (a.specifier < b.specifier ? -1 : 1));
}
