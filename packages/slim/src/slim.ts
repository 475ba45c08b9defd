import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { compileCacheDir, shipCompileCache, type CompileCacheOutcome } from './compile-cache.ts';
import { loadConfig, readPackageJson } from './config.ts';
import { deferrablePackages, type DeferralOutcome } from './defer-parts.ts';
import { writeDeployExtras } from './deploy-extras.ts';
import {
  copyIn,
  fixedMtimeSeconds,
  listFiles,
  normalizeFiles,
  prepareOutDir,
  sizeOf,
  writeOut,
} from './deploy-folder.ts';
import { layerOf, writeManifest, type ManifestFile, type SlimManifest } from './deploy-manifest.ts';
import { resolveEntry, targetFromEngines } from './entry.ts';
import { checkBuildingNode } from './engines-check.ts';
import { BudgetExceededError } from './errors.ts';
import { productionClosure } from './input-closure.ts';
import type { ResolvedKnativeOptions } from './knative/options.ts';
import { resolveKnativeOptions } from './knative/resolve.ts';
import { resolveSlimOptions, type ResolvedSlimOptions, type SlimOptions } from './options.ts';
import { bundledBytesByPackage, planBundle, type PlannedBundle } from './plan-bundle.ts';
import { requireStubs } from './require-stubs.ts';
import { runtimeFiles, type RuntimeFiles } from './runtime-files.ts';
import { sizeReport, type SizeReport, type Unbundled } from './size-report.ts';
import { buildTracingLayer, type TracingLayer } from './tracing-layer.ts';
import type { TracingLayerLink } from './bundle.ts';

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
  /** Those of them bundled behind a `node_modules` stub (the rest are traced whole). */
  readonly stubbed: readonly string[];
  /** Files refused because they look like secrets (paths only). */
  readonly refusedSecrets: readonly string[];
  /** Whether a compile cache was shipped, or why not. */
  readonly compileCache: CompileCacheOutcome;
  /** Knative manifests written, relative to the deploy folder. */
  readonly manifests: readonly string[];
}

const tracingLayerReason =
  'tracing layer: the deferred OpenTelemetry SDK, shared by every function built with this thaw version';

function bundleReason(path: string): string {
  if (path.endsWith('.map')) return 'bundle: source map';
  return path === 'index.js' ? 'bundle: entry' : 'bundle: lazily loaded chunk';
}

function minimalPackageJson(
  pkg: Record<string, unknown> | null,
  engines: unknown,
  tracingDir: string | undefined,
): Record<string, unknown> {
  return {
    ...(typeof pkg?.['name'] === 'string' ? { name: pkg['name'] } : {}),
    ...(typeof pkg?.['version'] === 'string' ? { version: pkg['version'] } : {}),
    private: true,
    type: 'module',
    ...(typeof engines === 'string' ? { engines: { node: engines } } : {}),
    // The bundle imports the tracing layer as #thaw-tracing/<module>.mjs, from any folder.
    ...(tracingDir === undefined ? {} : { imports: { '#thaw-tracing/*': `./${tracingDir}/*` } }),
  };
}

/** The real folder of the `@thaw/runtime` the function uses, if it uses one. */
function runtimeDirOf(projectDir: string): string | undefined {
  try {
    return dirname(
      realpathSync(createRequire(join(projectDir, 'noop.js')).resolve('@thaw/runtime/package.json')),
    );
  } catch {
    return undefined;
  }
}

// A package that is not shaped as a deferral expects is bundled as it is, and the build says so.
function reportDeferrals(build: Build, outcomes: readonly DeferralOutcome[]): void {
  for (const outcome of outcomes) {
    if (outcome.applied) {
      build.o.logger.info(
        `${outcome.name} ${outcome.version}: its ${outcome.parts} code loads on first use (deferParts).`,
      );
    } else {
      build.o.logger.warn(`${outcome.reason}; bundled unchanged, its parts load at require (deferParts).`);
    }
  }
}

/** The shared tracing layer and how the bundle links to it, when `tracingSdk` is 'otlp-http'. */
async function tracingLayerFor(
  build: Build,
): Promise<{ layer: TracingLayer; link: TracingLayerLink } | undefined> {
  if (build.o.tracingSdk !== 'otlp-http') return undefined;
  const runtimeDir = runtimeDirOf(build.projectDir);
  if (runtimeDir === undefined) return undefined;
  const layer = await buildTracingLayer();
  return { layer, link: { modules: layer.modules, runtimeDir } };
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
  const build = await startBuild(options);
  const tracing = await tracingLayerFor(build);
  const planned = await planBundle({
    projectDir: build.projectDir,
    entryFile: build.entryFile,
    outDir: build.outDir,
    target: build.o.target ?? targetFromEngines(build.engines),
    minify: build.o.minify,
    sourceMap: build.o.sourceMap,
    external: new Set(build.o.external),
    instrumentedPackages: build.o.instrumentedPackages,
    instrumentedAs: build.o.instrumentedAs,
    allowSecrets: build.o.allowSecrets,
    tracingLayer: tracing?.link,
    tracingLayerInputs: tracing?.layer.inputFiles ?? [],
    deferParts: new Set(build.o.deferParts === 'auto' ? deferrablePackages : build.o.deferParts),
    runtimeDir: runtimeDirOf(build.projectDir),
  });
  reportDeferrals(build, planned.result.deferrals);
  const layer = planned.result.fromTracingLayer.size > 0 ? tracing?.layer : undefined;
  for (const warning of planned.result.warnings) build.o.logger.warn(`esbuild: ${warning}`);
  const runtime = await traceRuntimeFiles(build, planned);
  const reasons = writeRuntimeFiles(build, planned, runtime, layer);
  const compileCache = await shipCompileCache(
    build.o.compileCache,
    build.outDir,
    build.nodeVersion,
    build.o.compileCacheTimeoutMs,
  );
  if (!compileCache.shipped) build.o.logger.info(compileCache.note);
  const manifest = writeDeployManifest(build, reasons, compileCache);
  const manifests = writeDeployExtras({
    outDir: build.outDir,
    files: manifest.files,
    nodeVersion: build.nodeVersion,
    baseImage: build.o.baseImage,
    buildImage: build.o.buildImage,
    compileCache: compileCache.shipped,
    enableSourceMaps: build.o.enableSourceMaps,
    knative: build.knative,
  });
  const size = writeSizeReport(build, planned, runtime, manifest.files);
  return {
    outDir: build.outDir,
    manifest,
    size,
    unbundled: planned.unbundled,
    instrumented: planned.instrumented,
    stubbed: [...planned.result.stubbed.keys()].sort(),
    refusedSecrets: runtime.refused.map((r) => r.path),
    compileCache,
    manifests,
  };
}

/** What every step of a build reads: the resolved options and what the project says. */
interface Build {
  readonly o: ResolvedSlimOptions;
  readonly projectDir: string;
  readonly outDir: string;
  readonly entryFile: string;
  readonly pkg: Record<string, unknown> | null;
  readonly engines: unknown;
  readonly knative: ResolvedKnativeOptions;
  readonly nodeVersion: string;
  /** Every file's mtime, in seconds, fixed before anything is written. */
  readonly mtime: number;
}

// Options are checked (those given in code exactly as a config file's) before anything is
// written, then the deploy folder is emptied.
async function startBuild(options: SlimOptions): Promise<Build> {
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const o = resolveSlimOptions({ ...options, projectDir }, (await loadConfig(projectDir)).config);
  const mtime = fixedMtimeSeconds();
  const pkg = readPackageJson(projectDir);
  const entryFile = resolveEntry(projectDir, o.entry, pkg);
  const outDir = resolve(projectDir, o.outDir);
  const engines = (pkg?.['engines'] as { node?: unknown } | undefined)?.node;
  checkBuildingNode(engines);
  const packageName = typeof pkg?.['name'] === 'string' ? pkg['name'] : 'function';
  const knative = resolveKnativeOptions(o.knative, packageName);
  prepareOutDir(outDir, projectDir);
  return {
    o,
    projectDir,
    outDir,
    entryFile,
    pkg,
    engines,
    knative,
    nodeVersion: process.versions.node,
    mtime,
  };
}

async function traceRuntimeFiles(build: Build, planned: PlannedBundle): Promise<RuntimeFiles> {
  const bundled = planned.result;
  const runtime = await runtimeFiles(
    build.projectDir,
    [...bundled.externals.values()].map((e) => e.resolvedFile),
    build.o.include,
    build.o.allowSecrets,
    new Set(bundled.stubbed.keys()),
  );
  for (const r of runtime.refused) {
    build.o.logger.warn(
      `refused ${r.path}: it looks like ${r.kind}. Secrets never enter the deploy folder; list it in allowSecrets if it must ship.`,
    );
  }
  return runtime;
}

/** Writes the bundle, the traced files, the require stubs and package.json; returns why each is there. */
function writeRuntimeFiles(
  build: Build,
  planned: PlannedBundle,
  runtime: RuntimeFiles,
  layer: TracingLayer | undefined,
): Map<string, string> {
  const { outDir } = build;
  const reasons = new Map<string, string>();
  for (const [path, contents] of layer?.files ?? []) {
    writeOut(outDir, path, contents);
    reasons.set(path, tracingLayerReason);
  }
  for (const [path, contents] of planned.result.files) {
    writeOut(outDir, path, contents);
    reasons.set(path, bundleReason(path));
  }
  for (const file of runtime.files) {
    copyIn(outDir, file.path, file.source);
    reasons.set(file.path, file.reason);
  }
  for (const stub of requireStubs(planned.result.stubbed)) {
    writeOut(outDir, stub.path, stub.contents);
    reasons.set(stub.path, stub.reason);
  }
  const pkg = minimalPackageJson(build.pkg, build.engines, layer?.dir);
  writeOut(outDir, 'package.json', `${JSON.stringify(pkg, null, 2)}\n`);
  reasons.set('package.json', 'deploy: module type and engines');
  return reasons;
}

function writeDeployManifest(
  build: Build,
  reasons: ReadonlyMap<string, string>,
  compileCache: CompileCacheOutcome,
): SlimManifest {
  // Source maps stay beside the bundle for tools that read them, but are runtime files (and
  // enter the image) only when node reads them: with enableSourceMaps.
  const runtimePaths = listFiles(build.outDir).filter(
    (path) => build.o.enableSourceMaps || reasons.get(path) !== bundleReason('index.js.map'),
  );
  const files: ManifestFile[] = runtimePaths.map((path) => ({
    path,
    size: sizeOf(build.outDir, path),
    reason:
      reasons.get(path) ??
      (path.startsWith(`${compileCacheDir}/`)
        ? 'compile cache: V8 code cache of the startup modules'
        : 'deploy'),
    layer: layerOf(path),
  }));
  const manifest: SlimManifest = {
    version: 1,
    entry: 'index.js',
    node: { major: Number(build.nodeVersion.split('.')[0]), version: build.nodeVersion },
    compileCache: compileCache.shipped ? compileCacheDir : null,
    files,
  };
  writeManifest(build.outDir, manifest);
  return manifest;
}

/** Writes size-report.json, fixes every file's mode and mtime, and enforces the budget. */
function writeSizeReport(
  build: Build,
  planned: PlannedBundle,
  runtime: RuntimeFiles,
  files: readonly ManifestFile[],
): SizeReport {
  const bundled = planned.result;
  const optionalMissing = new Set([...bundled.optionalMissing.map((m) => m.specifier), ...runtime.missing]);
  const closure = productionClosure(build.projectDir);
  const size = sizeReport({
    closure,
    outputFiles: files,
    bundledBytes: bundledBytesByPackage(bundled, build.projectDir, closure),
    unbundled: planned.unbundled,
    optionalMissing: [...optionalMissing].sort(),
    stubbed: [...bundled.stubbed.keys()].sort(),
    budgetBytes: build.o.budgetBytes,
  });
  writeOut(build.outDir, 'size-report.json', `${JSON.stringify(size, null, 2)}\n`);
  normalizeFiles(build.outDir, build.mtime);
  if (size.budgetBytes !== null && size.output.bytes > size.budgetBytes) {
    throw new BudgetExceededError(size.output.bytes, size.budgetBytes);
  }
  return size;
}
