import { createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { bundle, type BundleInput, type BundleResult } from './bundle.ts';
import { SlimError } from './errors.ts';
import { modulesToKeepExternal, scanInstrumentations } from './instrumentation.ts';
import { nodeModulesPathOf } from './package-name.ts';
import { secretKind } from './secrets.ts';
import type { Unbundled } from './size-report.ts';
import { findUnbundlable } from './trace.ts';

/** What the bundle plan starts from. */
export interface PlanInput extends Omit<BundleInput, 'external' | 'requireExternal' | 'requireBundled'> {
  /** Packages the user keeps external. */
  readonly external: ReadonlySet<string>;
  /** 'auto', or the packages to keep loadable by `require` for OpenTelemetry. */
  readonly instrumentedPackages: 'auto' | readonly string[];
  /** How the instrumented packages ship: bundled behind a `require` stub, or traced whole. */
  readonly instrumentedAs: 'bundled' | 'external';
  readonly allowSecrets: readonly string[];
  /**
   * Files of the packages bundled into the shared tracing layer: the instrumentations among them
   * patch the function's packages, which then stay loadable by `require`. @default []
   */
  readonly tracingLayerInputs?: readonly string[];
}

/** The final bundle and what was kept out of it. */
export interface PlannedBundle {
  readonly result: BundleResult;
  readonly unbundled: readonly Unbundled[];
  /** Modules kept loadable by `require` for OpenTelemetry's hooks. */
  readonly instrumented: readonly string[];
}

/** Absolute paths of a bundle's input files (virtual modules left out). */
export function inputFilesOf(result: BundleResult, projectDir: string): string[] {
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
 * Bundles twice when needed: a first pass learns the module graph, then packages that cannot live
 * in a bundle (native addons, files read at run time, `require.resolve`d) and packages the bundled
 * OpenTelemetry instrumentations patch are kept out, and the final pass bundles the rest.
 *
 * @example
 * ```ts
 * const { result, unbundled } = await planBundle({ ...bundleSettings, external: new Set(),
 *   instrumentedPackages: 'auto', allowSecrets: [] });
 * ```
 */
export async function planBundle(input: PlanInput): Promise<PlannedBundle> {
  const { projectDir } = input;
  const firstRequire = new Set(input.instrumentedPackages === 'auto' ? [] : input.instrumentedPackages);
  const first = await bundle({
    ...input,
    external: input.external,
    requireExternal: firstRequire,
    requireBundled: new Map(),
  });
  const firstInputs = inputFilesOf(first, projectDir);
  const unbundlable = await findUnbundlable(
    firstInputs.filter((f) => nodeModulesPathOf(f) !== null),
    projectDir,
  );
  for (const [name, addon] of first.nativeAddons) unbundlable.set(name, `native addon ${addon}`);
  const graph = new Set([...packagesOf(firstInputs), ...first.externals.keys()]);
  // The instrumentations in the tracing layer patch the function's packages as bundled ones do.
  const layerInputs = first.fromTracingLayer.size > 0 ? (input.tracingLayerInputs ?? []) : [];
  const scan = scanInstrumentations([...firstInputs, ...layerInputs]);
  const instrumented =
    input.instrumentedPackages === 'auto'
      ? modulesToKeepExternal(scan, graph)
      : [...firstRequire].filter((n) => graph.has(n));
  const requireBundled = stubbablePackages(input, instrumented, unbundlable, firstInputs);
  const requireExternal = new Set(instrumented.filter((name) => !requireBundled.has(name)));
  const external = new Set([...input.external, ...unbundlable.keys(), ...first.resolvedAtRunTime]);
  for (const name of instrumented) external.delete(name);
  const result =
    sameSet(external, input.external) && sameSet(requireExternal, firstRequire) && requireBundled.size === 0
      ? first
      : await bundle({ ...input, external, requireExternal, requireBundled });

  refuseSecrets(result, input);

  const unbundled = [...result.externals.keys()].sort().map((name): Unbundled => {
    const patchedBy = scan.patchedBy.get(name) ?? 'an OpenTelemetry instrumentation (instrumentedPackages)';
    const reason = requireExternal.has(name)
      ? `patched by ${patchedBy}: kept loadable by require so its hook sees it`
      : (unbundlable.get(name) ??
        (input.external.has(name) ? 'listed in external' : 'resolved with require.resolve at run time'));
    return { name, reason };
  });
  return { result, unbundled, instrumented };
}

// A package can sit behind a stub when it can be bundled and resolves from the project or
// from one of the packages that use it (a dependency of pg is not always hoisted).
function stubbablePackages(
  input: PlanInput,
  instrumented: readonly string[],
  unbundlable: ReadonlyMap<string, string>,
  firstInputs: readonly string[],
): Map<string, string> {
  const requireBundled = new Map<string, string>();
  if (input.instrumentedAs !== 'bundled') return requireBundled;
  const resolveDirs = [input.projectDir, ...new Set(firstInputs.map((f) => dirname(f)))];
  const resolveDirOf = (name: string): string | undefined =>
    resolveDirs.find((dir) => {
      try {
        createRequire(join(dir, 'noop.js')).resolve(name);
        return true;
      } catch {
        return false;
      }
    });
  for (const name of instrumented) {
    if (unbundlable.has(name) || input.external.has(name)) continue;
    const dir = resolveDirOf(name);
    if (dir !== undefined) requireBundled.set(name, dir);
  }
  return requireBundled;
}

function refuseSecrets(result: BundleResult, input: PlanInput): void {
  for (const file of inputFilesOf(result, input.projectDir)) {
    const path = relative(input.projectDir, file).split('\\').join('/');
    const kind = secretKind(path);
    if (kind !== null && !input.allowSecrets.includes(path)) {
      throw new SlimError(
        'THAW_SLIM_SECRET_IN_BUNDLE',
        `The bundle would contain ${path}, which looks like ${kind}. Remove the import, or list the path in allowSecrets if it is meant to ship.`,
      );
    }
  }
}

/**
 * Bytes of each package's code that ended up in the bundle, from esbuild's metafile. esbuild
 * names a linked package's files (a workspace package, `npm link`) by their real path, outside
 * any `node_modules`; `packages` (name and real folder of each installed package) attributes
 * those to the right name.
 *
 * @example
 * ```ts
 * bundledBytesByPackage(result, projectDir, productionClosure(projectDir)).get('@opentelemetry/api'); // 11230
 * ```
 */
export function bundledBytesByPackage(
  result: BundleResult,
  projectDir: string,
  packages: readonly { readonly name: string; readonly dir: string }[] = [],
): Map<string, number> {
  const bytes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, info] of Object.entries(output.inputs)) {
      const file = resolve(projectDir, input);
      const name = nodeModulesPathOf(file)?.packageName ?? linkedPackageOf(file, packages);
      if (name === undefined) continue;
      bytes.set(name, (bytes.get(name) ?? 0) + info.bytesInOutput);
    }
  }
  return bytes;
}

function linkedPackageOf(
  file: string,
  packages: readonly { readonly name: string; readonly dir: string }[],
): string | undefined {
  let found: { name: string; dir: string } | undefined;
  for (const pkg of packages) {
    if (file.startsWith(`${pkg.dir}${sep}`) && (found === undefined || pkg.dir.length > found.dir.length)) {
      found = pkg;
    }
  }
  return found?.name;
}
