import { readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { bundle, type BundleResult } from './bundle.ts';
import { compileCacheDir, fillCompileCache, supportsPortableCompileCache } from './compile-cache.ts';
import { loadConfig, readPackageJson } from './config.ts';
import {
  copyIn,
  fixedMtimeSeconds,
  normalizeFiles,
  listFiles,
  prepareOutDir,
  sizeOf,
  writeOut,
  type ManifestFile,
  type SlimManifest,
} from './deploy-folder.ts';
import { dockerfile, dockerignore } from './dockerfile.ts';
import { resolveEntry, targetFromEngines } from './entry.ts';
import { BudgetExceededError, SlimError } from './errors.ts';
import { productionClosure } from './input-closure.ts';
import { modulesToKeepExternal, scanInstrumentations } from './instrumentation.ts';
import { resolveKnativeOptions } from './knative/resolve.ts';
import { knativeService } from './knative/service.ts';
import { knativeSinkBinding } from './knative/sinkbinding.ts';
import { knativeTrigger } from './knative/trigger.ts';
import { defaultSlimOptions, type SlimOptions } from './options.ts';
import { nodeModulesPathOf } from './package-name.ts';
import { filterSecrets, secretKind } from './secrets.ts';
import { sizeReport, type SizeReport, type Unbundled } from './size-report.ts';
import { findUnbundlable, traceExternals } from './trace.ts';
import { mergeOptions } from './merge-options.ts';

/** What {@link slim} did. */
export interface SlimReport {
  /** Absolute path of the deploy folder. */
  readonly outDir: string;
  readonly manifest: SlimManifest;
  readonly size: SizeReport;
  /** Packages kept out of the bundle, with why. */
  readonly unbundled: readonly Unbundled[];
  /** Modules OpenTelemetry instrumentations patch that were kept loadable by `require`. */
  readonly instrumented: readonly string[];
  /** Files refused because they look like secrets (paths only). */
  readonly refusedSecrets: readonly string[];
  /** Whether a compile cache was shipped, or why not. */
  readonly compileCache: { readonly shipped: boolean; readonly note: string };
  /** Knative manifests written, relative to the deploy folder. */
  readonly manifests: readonly string[];
}

function inputFilesOf(result: BundleResult, projectDir: string): string[] {
  return Object.keys(result.metafile.inputs)
    .filter((key) => !/^[a-z-]+:/.test(key))
    .map((key) => resolve(projectDir, key));
}

function packagesOf(files: readonly string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const location = nodeModulesPathOf(file);
    if (location !== null) names.add(location.packageName);
  }
  return names;
}

function sameSet(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return a.size === b.size && [...a].every((x) => b.has(x));
}

/**
 * Turns a function's source tree into the smallest deploy folder that still runs: an esbuild
 * bundle, the traced `node_modules` for what cannot be bundled, a minimal `package.json`, an
 * optional V8 compile cache, a Dockerfile, Knative manifests, `thaw-slim.json` and a size report.
 * Options come from the call, then `thaw.config.*` or `package.json#thaw`, then the defaults.
 *
 * @example
 * ```ts
 * const report = await slim({ projectDir: 'functions/checkout', entry: 'src/index.ts', outDir: 'deploy' });
 * console.log(report.size.output.bytes, report.unbundled);
 * ```
 */
export async function slim(options: SlimOptions = {}): Promise<SlimReport> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const { config } = await loadConfig(projectDir);
  const o = mergeOptions(options, config);
  const logger = o.logger ?? defaultSlimOptions.logger;
  const pkg = readPackageJson(projectDir);
  const entryFile = resolveEntry(projectDir, o.entry, pkg);
  const outDir = resolve(projectDir, o.outDir ?? defaultSlimOptions.outDir);
  const engines = (pkg?.['engines'] as { node?: unknown } | undefined)?.node;
  const target = o.target ?? targetFromEngines(engines);
  const knative = resolveKnativeOptions(
    o.knative ?? defaultSlimOptions.knative,
    typeof pkg?.['name'] === 'string' ? pkg['name'] : 'function',
  );
  const allowSecrets = o.allowSecrets ?? defaultSlimOptions.allowSecrets;
  const userExternal = new Set(o.external ?? defaultSlimOptions.external);
  const instrumentedOption = o.instrumentedPackages ?? defaultSlimOptions.instrumentedPackages;
  prepareOutDir(outDir, projectDir);

  const common = {
    projectDir,
    entryFile,
    outDir,
    target,
    minify: o.minify ?? defaultSlimOptions.minify,
    sourceMap: o.sourceMap ?? defaultSlimOptions.sourceMap,
  };
  // First pass: learn the module graph; then decide what must stay out of the bundle.
  const firstRequire = new Set(instrumentedOption === 'auto' ? [] : instrumentedOption);
  const first = await bundle({ ...common, external: userExternal, requireExternal: firstRequire });
  const firstInputs = inputFilesOf(first, projectDir);
  const unbundlable = await findUnbundlable(
    firstInputs.filter((f) => nodeModulesPathOf(f) !== null),
    projectDir,
  );
  for (const [name, addon] of first.nativeAddons) unbundlable.set(name, `native addon ${addon}`);
  const graph = new Set([...packagesOf(firstInputs), ...first.externals.keys()]);
  const scan = scanInstrumentations(firstInputs);
  const instrumented =
    instrumentedOption === 'auto'
      ? modulesToKeepExternal(scan, graph)
      : [...firstRequire].filter((n) => graph.has(n));
  const requireExternal = new Set(instrumented);
  const external = new Set([...userExternal, ...unbundlable.keys(), ...first.resolvedAtRunTime]);
  for (const name of requireExternal) external.delete(name);
  const final =
    sameSet(external, userExternal) && sameSet(requireExternal, firstRequire)
      ? first
      : await bundle({ ...common, external, requireExternal });
  for (const warning of final.warnings) logger.warn(`esbuild: ${warning}`);

  const bundledInputs = inputFilesOf(final, projectDir);
  for (const file of bundledInputs) {
    const kind = secretKind(relative(projectDir, file));
    if (kind !== null && !allowSecrets.includes(relative(projectDir, file).split('\\').join('/'))) {
      throw new SlimError(
        'THAW_SLIM_SECRET_IN_BUNDLE',
        `The bundle would contain ${relative(projectDir, file)}, which looks like ${kind}. Remove the import, or list the path in allowSecrets if it is meant to ship.`,
      );
    }
  }

  const unbundled: Unbundled[] = [];
  for (const name of [...final.externals.keys()].sort()) {
    const reason = requireExternal.has(name)
      ? `patched by ${scan.patchedBy.get(name) ?? 'an OpenTelemetry instrumentation (instrumentedPackages)'}: kept loadable by require so its hook sees it`
      : unbundlable.has(name)
        ? (unbundlable.get(name) ?? '')
        : userExternal.has(name)
          ? 'listed in external'
          : 'resolved with require.resolve at run time';
    unbundled.push({ name, reason });
  }

  // Files the externals need at run time, plus the project's includes.
  const traced = await traceExternals(
    [...final.externals.values()].map((e) => e.resolvedFile),
    projectDir,
  );
  const planned = new Map<string, { source: string; reason: string }>();
  for (const t of traced.files) {
    const location = nodeModulesPathOf(t.file);
    if (location === null) continue;
    const existing = planned.get(location.path);
    if (existing !== undefined && existing.source !== t.file && !sameBytes(existing.source, t.file)) {
      throw new SlimError(
        'THAW_SLIM_FILE_CONFLICT',
        `Two different files would both be ${location.path} (${existing.source} and ${t.file}): two versions of a package are installed at different levels. Deduplicate them (npm dedupe) and build again.`,
      );
    }
    planned.set(location.path, { source: t.file, reason: t.reason });
  }
  for (const include of o.include ?? defaultSlimOptions.include) {
    const source = resolve(projectDir, include);
    const path = relative(projectDir, source).split('\\').join('/');
    if (path.startsWith('..') || isAbsolute(path)) {
      throw new SlimError(
        'THAW_SLIM_CONFIG_INVALID',
        `Invalid include: ${include} is outside the project; list files inside it.`,
      );
    }
    planned.set(path, { source, reason: 'included: listed in include' });
  }
  const { kept, refused } = filterSecrets([...planned.entries()], ([path]) => path, allowSecrets);
  for (const r of refused) {
    logger.warn(
      `refused ${r.path}: it looks like ${r.kind}. Secrets never enter the deploy folder; list it in allowSecrets if it must ship.`,
    );
  }

  // Write the folder.
  const reasons = new Map<string, string>();
  for (const [path, contents] of [...final.files.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    writeOut(outDir, path, contents);
    reasons.set(
      path,
      path.endsWith('.map')
        ? 'bundle: source map'
        : path === 'index.js'
          ? 'bundle: entry'
          : 'bundle: lazily loaded chunk',
    );
  }
  for (const [path, plan] of kept.sort(([a], [b]) => (a < b ? -1 : 1))) {
    copyIn(outDir, path, plan.source);
    reasons.set(path, plan.reason);
  }
  const nodeVersion = process.versions.node;
  writeOut(outDir, 'package.json', `${JSON.stringify(minimalPackageJson(pkg, engines), null, 2)}\n`);
  reasons.set('package.json', 'deploy: module type and engines');

  const compileCache = await maybeCompileCache(
    o.compileCache ?? defaultSlimOptions.compileCache,
    outDir,
    nodeVersion,
    o.compileCacheTimeoutMs ?? defaultSlimOptions.compileCacheTimeoutMs,
  );
  if (!compileCache.shipped) logger.info(compileCache.note);

  const files: ManifestFile[] = listFiles(outDir).map((path) => ({
    path,
    size: sizeOf(outDir, path),
    reason:
      reasons.get(path) ??
      (path.startsWith(`${compileCacheDir}/`)
        ? 'compile cache: V8 code cache of the startup modules'
        : 'deploy'),
    layer: path === 'package.json' || path.startsWith('node_modules/') ? 'dependencies' : 'app',
  }));
  const manifest: SlimManifest = {
    version: 1,
    entry: 'index.js',
    node: { major: Number(nodeVersion.split('.')[0]), version: nodeVersion },
    compileCache: compileCache.shipped ? compileCacheDir : null,
    files,
  };
  const topLevel = (layer: ManifestFile['layer']): string[] =>
    [...new Set(files.filter((f) => f.layer === layer).map((f) => f.path.split('/')[0] ?? f.path))].sort();
  writeOut(outDir, 'thaw-slim.json', `${JSON.stringify(manifest, null, 2)}\n`);
  writeOut(
    outDir,
    'Dockerfile',
    dockerfile({
      nodeVersion,
      baseImage: o.baseImage ?? defaultSlimOptions.baseImage,
      buildImage: o.buildImage ?? defaultSlimOptions.buildImage,
      dependencyPaths: topLevel('dependencies'),
      appPaths: topLevel('app'),
      compileCache: compileCache.shipped,
      enableSourceMaps: o.enableSourceMaps ?? defaultSlimOptions.enableSourceMaps,
      port: knative.port,
    }),
  );
  writeOut(outDir, '.dockerignore', dockerignore());
  const manifests: string[] = [];
  for (const [name, object] of [
    ['knative/service.yaml', knativeService(knative)],
    ['knative/trigger.yaml', knativeTrigger(knative)],
    ['knative/sinkbinding.yaml', knativeSinkBinding(knative)],
  ] as const) {
    if (object === null) continue;
    writeOut(outDir, name, stringify(object, { sortMapEntries: false, lineWidth: 0 }));
    manifests.push(name);
  }

  const size = sizeReport({
    closure: productionClosure(projectDir),
    outputFiles: files,
    bundledBytes: bundledBytesByPackage(final, projectDir),
    unbundled,
    optionalMissing: [
      ...new Set([...final.optionalMissing.map((m) => m.specifier), ...traced.missing]),
    ].sort(),
    budgetBytes: o.budgetBytes ?? defaultSlimOptions.budgetBytes,
  });
  writeOut(outDir, 'size-report.json', `${JSON.stringify(size, null, 2)}\n`);
  normalizeFiles(outDir, fixedMtimeSeconds());
  if (size.budgetBytes !== null && size.output.bytes > size.budgetBytes) {
    throw new BudgetExceededError(size.output.bytes, size.budgetBytes);
  }
  return {
    outDir,
    manifest,
    size,
    unbundled,
    instrumented,
    refusedSecrets: refused.map((r) => r.path),
    compileCache,
    manifests,
  };
}

function sameBytes(a: string, b: string): boolean {
  return readFileSync(a).equals(readFileSync(b));
}

function minimalPackageJson(pkg: Record<string, unknown> | null, engines: unknown): Record<string, unknown> {
  return {
    ...(typeof pkg?.['name'] === 'string' ? { name: pkg['name'] } : {}),
    ...(typeof pkg?.['version'] === 'string' ? { version: pkg['version'] } : {}),
    private: true,
    type: 'module',
    ...(typeof engines === 'string' ? { engines: { node: engines } } : {}),
  };
}

function bundledBytesByPackage(result: BundleResult, projectDir: string): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, info] of Object.entries(output.inputs)) {
      const location = nodeModulesPathOf(resolve(projectDir, input));
      if (location === null) continue;
      bytes.set(location.packageName, (bytes.get(location.packageName) ?? 0) + info.bytesInOutput);
    }
  }
  return bytes;
}

async function maybeCompileCache(
  enabled: boolean,
  outDir: string,
  nodeVersion: string,
  timeoutMs: number,
): Promise<{ shipped: boolean; note: string }> {
  if (!enabled) return { shipped: false, note: 'compile cache off (compileCache: false).' };
  if (!supportsPortableCompileCache(nodeVersion)) {
    return {
      shipped: false,
      note: `compile cache skipped: Node ${nodeVersion} cannot write a portable compile cache (needs Node ≥ 24.12); the image starts without one.`,
    };
  }
  await fillCompileCache({ outDir, nodePath: process.execPath, timeoutMs });
  return {
    shipped: true,
    note: `compile cache filled by Node ${nodeVersion}; used when the image runs the same Node version.`,
  };
}
