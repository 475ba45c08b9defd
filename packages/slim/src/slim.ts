import { resolve } from 'node:path';
import { compileCacheDir, shipCompileCache, type CompileCacheOutcome } from './compile-cache.ts';
import { loadConfig, readPackageJson } from './config.ts';
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
import { resolveKnativeOptions } from './knative/resolve.ts';
import { mergeOptions } from './merge-options.ts';
import { defaultSlimOptions, type SlimOptions } from './options.ts';
import { bundledBytesByPackage, planBundle } from './plan-bundle.ts';
import { requireStubs } from './require-stubs.ts';
import { runtimeFiles } from './runtime-files.ts';
import { sizeReport, type SizeReport, type Unbundled } from './size-report.ts';

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

function bundleReason(path: string): string {
  if (path.endsWith('.map')) return 'bundle: source map';
  return path === 'index.js' ? 'bundle: entry' : 'bundle: lazily loaded chunk';
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
  const d = defaultSlimOptions;
  const projectDir = resolve(options.projectDir ?? process.cwd());
  const o = mergeOptions(options, (await loadConfig(projectDir)).config);
  const logger = o.logger ?? d.logger;
  const mtime = fixedMtimeSeconds();
  const pkg = readPackageJson(projectDir);
  const entryFile = resolveEntry(projectDir, o.entry, pkg);
  const outDir = resolve(projectDir, o.outDir ?? d.outDir);
  const engines = (pkg?.['engines'] as { node?: unknown } | undefined)?.node;
  checkBuildingNode(engines);
  const packageName = typeof pkg?.['name'] === 'string' ? pkg['name'] : 'function';
  const knative = resolveKnativeOptions(o.knative ?? d.knative, packageName);
  const allowSecrets = o.allowSecrets ?? d.allowSecrets;
  prepareOutDir(outDir, projectDir);

  const planned = await planBundle({
    projectDir,
    entryFile,
    outDir,
    target: o.target ?? targetFromEngines(engines),
    minify: o.minify ?? d.minify,
    sourceMap: o.sourceMap ?? d.sourceMap,
    external: new Set(o.external ?? d.external),
    instrumentedPackages: o.instrumentedPackages ?? d.instrumentedPackages,
    instrumentedAs: o.instrumentedAs ?? d.instrumentedAs,
    allowSecrets,
  });
  const bundled = planned.result;
  for (const warning of bundled.warnings) logger.warn(`esbuild: ${warning}`);
  const runtime = await runtimeFiles(
    projectDir,
    [...bundled.externals.values()].map((e) => e.resolvedFile),
    o.include ?? d.include,
    allowSecrets,
    new Set(bundled.stubbed.keys()),
  );
  for (const r of runtime.refused) {
    logger.warn(
      `refused ${r.path}: it looks like ${r.kind}. Secrets never enter the deploy folder; list it in allowSecrets if it must ship.`,
    );
  }

  const reasons = new Map<string, string>();
  for (const [path, contents] of bundled.files) {
    writeOut(outDir, path, contents);
    reasons.set(path, bundleReason(path));
  }
  for (const file of runtime.files) {
    copyIn(outDir, file.path, file.source);
    reasons.set(file.path, file.reason);
  }
  for (const stub of requireStubs(bundled.stubbed)) {
    writeOut(outDir, stub.path, stub.contents);
    reasons.set(stub.path, stub.reason);
  }
  writeOut(outDir, 'package.json', `${JSON.stringify(minimalPackageJson(pkg, engines), null, 2)}\n`);
  reasons.set('package.json', 'deploy: module type and engines');

  const nodeVersion = process.versions.node;
  const compileCache = await shipCompileCache(
    o.compileCache ?? d.compileCache,
    outDir,
    nodeVersion,
    o.compileCacheTimeoutMs ?? d.compileCacheTimeoutMs,
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
    layer: layerOf(path),
  }));
  const manifest: SlimManifest = {
    version: 1,
    entry: 'index.js',
    node: { major: Number(nodeVersion.split('.')[0]), version: nodeVersion },
    compileCache: compileCache.shipped ? compileCacheDir : null,
    files,
  };
  writeManifest(outDir, manifest);
  const manifests = writeDeployExtras({
    outDir,
    files,
    nodeVersion,
    baseImage: o.baseImage ?? d.baseImage,
    buildImage: o.buildImage ?? d.buildImage,
    compileCache: compileCache.shipped,
    enableSourceMaps: o.enableSourceMaps ?? d.enableSourceMaps,
    knative,
  });

  const optionalMissing = new Set([...bundled.optionalMissing.map((m) => m.specifier), ...runtime.missing]);
  const closure = productionClosure(projectDir);
  const size = sizeReport({
    closure,
    outputFiles: files,
    bundledBytes: bundledBytesByPackage(bundled, projectDir, closure),
    unbundled: planned.unbundled,
    optionalMissing: [...optionalMissing].sort(),
    stubbed: [...bundled.stubbed.keys()].sort(),
    budgetBytes: o.budgetBytes ?? d.budgetBytes,
  });
  writeOut(outDir, 'size-report.json', `${JSON.stringify(size, null, 2)}\n`);
  normalizeFiles(outDir, mtime);
  if (size.budgetBytes !== null && size.output.bytes > size.budgetBytes) {
    throw new BudgetExceededError(size.output.bytes, size.budgetBytes);
  }
  return {
    outDir,
    manifest,
    size,
    unbundled: planned.unbundled,
    instrumented: planned.instrumented,
    stubbed: [...bundled.stubbed.keys()].sort(),
    refusedSecrets: runtime.refused.map((r) => r.path),
    compileCache,
    manifests,
  };
}
