import { formatBytes } from './format-bytes.ts';
import type { InstalledPackage } from './input-closure.ts';
import { layerRoles, sharedLayerRoles, type LayerRole } from './deploy-manifest.ts';

/** The deploy folder's runtime files of one image layer. */
export interface LayerBytes {
  readonly layer: LayerRole;
  /** `shared`: the same bytes for every function built with this thaw version; `unique`: this function's. */
  readonly sharing: 'shared' | 'unique';
  readonly files: number;
  readonly bytes: number;
}

/** What one heavy input package became in the output. */
export interface HeavyModule {
  readonly name: string;
  readonly files: number;
  readonly bytes: number;
  /** e.g. `bundled: 41.2 KB of code`, `external (instrumented by OpenTelemetry): 32 files, 120.4 KB`. */
  readonly became: string;
}

/** A package left out of the bundle and why. */
export interface Unbundled {
  readonly name: string;
  readonly reason: string;
}

/** The size report, written as `size-report.json` and printed as a table. */
export interface SizeReport {
  readonly version: 1;
  /** What `npm ci --omit=dev` would install. */
  readonly input: { readonly packages: number; readonly files: number; readonly bytes: number };
  /** The deploy folder's runtime files (those listed in `thaw-slim.json`). */
  readonly output: { readonly files: number; readonly bytes: number };
  /** output bytes / input bytes. */
  readonly ratio: number;
  /** The output by image layer, in the order the image stacks them (empty layers left out). */
  readonly layers: readonly LayerBytes[];
  /** Output bytes only this function has (its dependencies and app layers). */
  readonly uniqueBytes: number;
  /** uniqueBytes / input bytes. */
  readonly uniqueRatio: number;
  readonly heaviest: readonly HeavyModule[];
  readonly unbundled: readonly Unbundled[];
  /** Optional modules asked for but not installed (they fail softly at run time, as before). */
  readonly optionalMissing: readonly string[];
  /** Instrumented packages bundled behind a `require` stub in `node_modules`. */
  readonly stubbed: readonly string[];
  readonly budgetBytes: number | null;
}

/** What the report is computed from. */
export interface SizeReportInput {
  readonly closure: readonly InstalledPackage[];
  readonly outputFiles: readonly {
    readonly path: string;
    readonly size: number;
    readonly layer: LayerRole;
  }[];
  /** Bytes of each package's code that ended up in the bundle, by package name. */
  readonly bundledBytes: ReadonlyMap<string, number>;
  readonly unbundled: readonly Unbundled[];
  readonly optionalMissing: readonly string[];
  readonly budgetBytes: number | null;
  /** Packages bundled behind a `require` stub in `node_modules`. */
  readonly stubbed?: readonly string[];
}

/**
 * Input closure vs deploy folder: totals, ratio, the ten heaviest input packages and what
 * became of each, and the packages that stayed unbundled with why.
 *
 * @example
 * ```ts
 * const report = sizeReport({ closure, outputFiles, bundledBytes, unbundled, optionalMissing: [], budgetBytes: null });
 * console.log(formatSizeReport(report));
 * ```
 */
export function sizeReport(input: SizeReportInput): SizeReport {
  const inputFiles = input.closure.reduce((sum, p) => sum + p.files, 0);
  const inputBytes = input.closure.reduce((sum, p) => sum + p.bytes, 0);
  const outputBytes = input.outputFiles.reduce((sum, f) => sum + f.size, 0);
  const byName = new Map<string, { files: number; bytes: number }>();
  for (const p of input.closure) {
    const current = byName.get(p.name) ?? { files: 0, bytes: 0 };
    byName.set(p.name, { files: current.files + p.files, bytes: current.bytes + p.bytes });
  }
  const heaviest = [...byName.entries()]
    .sort(([a, x], [b, y]) => y.bytes - x.bytes || (a < b ? -1 : 1))
    .slice(0, 10)
    .map(([name, size]) => ({ name, ...size, became: became(name, input) }));
  const layers = layerRoles
    .map((layer): LayerBytes => {
      const files = input.outputFiles.filter((f) => f.layer === layer);
      return {
        layer,
        sharing: sharedLayerRoles.has(layer) ? 'shared' : 'unique',
        files: files.length,
        bytes: files.reduce((sum, f) => sum + f.size, 0),
      };
    })
    .filter((l) => l.files > 0);
  const uniqueBytes = layers.filter((l) => l.sharing === 'unique').reduce((sum, l) => sum + l.bytes, 0);
  const share = (bytes: number): number =>
    inputBytes === 0 ? 0 : Math.round((bytes / inputBytes) * 10_000) / 10_000;
  return {
    version: 1,
    input: { packages: input.closure.length, files: inputFiles, bytes: inputBytes },
    output: { files: input.outputFiles.length, bytes: outputBytes },
    ratio: share(outputBytes),
    layers,
    uniqueBytes,
    uniqueRatio: share(uniqueBytes),
    heaviest,
    unbundled: input.unbundled,
    optionalMissing: input.optionalMissing,
    stubbed: input.stubbed ?? [],
    budgetBytes: input.budgetBytes,
  };
}

function became(name: string, input: SizeReportInput): string {
  const parts: string[] = [];
  const bundled = input.bundledBytes.get(name);
  if (bundled !== undefined && bundled > 0) parts.push(`bundled: ${formatBytes(bundled)} of code`);
  const prefix = `node_modules/${name}/`;
  const nested = `/node_modules/${name}/`;
  const traced = input.outputFiles.filter((f) => f.path.startsWith(prefix) || f.path.includes(nested));
  if (traced.length > 0 && input.stubbed?.includes(name) === true) {
    const bytes = traced.reduce((sum, f) => sum + f.size, 0);
    parts.push(`require stub for OpenTelemetry's hook: ${traced.length} files, ${formatBytes(bytes)}`);
  } else if (traced.length > 0) {
    const reason = input.unbundled.find((u) => u.name === name)?.reason ?? 'needed by an external package';
    const bytes = traced.reduce((sum, f) => sum + f.size, 0);
    parts.push(`external (${reason}): ${traced.length} files, ${formatBytes(bytes)}`);
  }
  return parts.length > 0 ? parts.join('; ') : 'left out: not reached from the entry';
}

/**
 * The report as a terminal table.
 *
 * @example
 * ```ts
 * process.stdout.write(formatSizeReport(report));
 * ```
 */
export function formatSizeReport(report: SizeReport): string {
  const pct = (report.ratio * 100).toFixed(1);
  const width = Math.max(6, ...report.heaviest.map((m) => m.name.length));
  const lines = [
    `input  (npm ci --omit=dev): ${report.input.packages} packages, ${report.input.files} files, ${formatBytes(report.input.bytes)}`,
    `output (deploy folder):     ${report.output.files} files, ${formatBytes(report.output.bytes)}  (${pct}% of input)`,
    ...report.layers.map(
      (l) => `  ${`${l.layer} layer (${l.sharing}):`.padEnd(26)}${l.files} files, ${formatBytes(l.bytes)}`,
    ),
    `unique to this function:    ${formatBytes(report.uniqueBytes)}  (${(report.uniqueRatio * 100).toFixed(1)}% of input; shared layers are pulled once per node)`,
    ...(report.budgetBytes === null
      ? []
      : [`budget:                     ${formatBytes(report.budgetBytes)}`]),
    '',
    `heaviest input modules:`,
    `  ${'module'.padEnd(width)}  ${'size'.padStart(9)}  became`,
    ...report.heaviest.map(
      (m) => `  ${m.name.padEnd(width)}  ${formatBytes(m.bytes).padStart(9)}  ${m.became}`,
    ),
  ];
  if (report.unbundled.length > 0) {
    lines.push('', 'kept out of the bundle:');
    for (const u of report.unbundled) lines.push(`  ${u.name}: ${u.reason}`);
  }
  if (report.stubbed.length > 0) {
    lines.push(
      '',
      `bundled behind require stubs, so OpenTelemetry's hooks patch them: ${report.stubbed.join(', ')}`,
    );
  }
  if (report.optionalMissing.length > 0) {
    lines.push(
      '',
      `optional modules not installed (left as run-time requires): ${report.optionalMissing.join(', ')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
