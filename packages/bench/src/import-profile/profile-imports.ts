// `thaw bench imports`: where a cold start's CPU goes, per package. Each run starts the variant
// as a cold start does (fresh process, free port, the variant's probe and first request) with
// V8's sampling profiler on, then charges every sample up to ready, and from ready to the first
// response, to the package whose code ran (see attribution.ts). Medians over runs, ranked.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type CpuProfile, readCpuProfile } from './cpu-profile.ts';
import { type Cutoffs, FrameLabeler, type ProfileAttribution, attributeProfile } from './attribution.ts';
import { ModuleLoadTimeline, moduleLoadRecorder, parseModuleLoads } from './module-loads.ts';
import { resolveProgram } from '../child.ts';
import { type BenchPlan, type VariantSpec } from '../config.ts';
import { type BenchOptions, resolveBenchOptions } from '../options.ts';
import { runColdStart } from '../run.ts';
import { type RunFailure } from '../run-record.ts';
import { median } from '../stats.ts';

/** Version of the `thaw-import-profile` JSON document. */
export const importProfileVersion = 1;

/** How `profileImports` runs. */
export interface ImportProfileOptions {
  /** Profiled runs per variant. @default 5 */
  readonly runs?: number;
  /** Discarded runs per variant first (fills the OS file cache). @default 1 */
  readonly warmupRuns?: number;
  /** Sampling interval of V8's profiler, µs. @default 500 */
  readonly intervalUs?: number;
  /** Timeouts, probe settings and the rest, as for `runBench`. */
  readonly bench?: BenchOptions;
  /** Called after each run. */
  readonly onRun?: (event: { variant: string; index: number; total: number; ok: boolean }) => void;
}

/** Medians of one package's (or V8 bucket's) time over a variant's runs, ms. */
export interface PackageCost {
  readonly label: string;
  readonly toReadyMs: number;
  readonly inclusiveToReadyMs: number;
  readonly readyToResponseMs: number;
}

/** One variant's profile. */
export interface VariantImportProfile {
  readonly variant: string;
  readonly runs: number;
  readonly failures: readonly RunFailure[];
  /** Medians of the profiled runs (profiling slows a start; use these to rank, not to time). */
  readonly readyMs: number;
  readonly firstResponseMs: number;
  readonly busyToReadyMs: number;
  /** Ranked by own time to ready, largest first; (idle) last. */
  readonly packages: readonly PackageCost[];
  /** Scripts that ran bundled code without a source map: their packages show as the bundle's. */
  readonly scriptsWithoutMaps: readonly string[];
}

/** The whole result. */
export interface ImportProfileResult {
  readonly schema: 'thaw-import-profile';
  readonly version: number;
  readonly node: string;
  readonly intervalUs: number;
  readonly variants: readonly VariantImportProfile[];
}

// The profile is written when the process exits, and what a process does at shutdown (an SDK
// flushing to an absent collector, a pool draining) is not what is measured here: a preload
// exits the process at once on SIGTERM, before the process's own handlers run.
const exitOnSigterm = `process.prependListener('SIGTERM', () => process.exit(0));\n`;

/** Profiles may take a while to write when the process exits. */
const minKillGraceMs = 5000;

/** Node flags whose value is the next argument (`--import ./otel.js app.js`). */
const nodeFlagsWithValue = new Set([
  '--import',
  '--require',
  '-r',
  '--loader',
  '--experimental-loader',
  '--env-file',
  '--conditions',
  '-C',
  '--input-type',
  '--title',
  '--cpu-prof-dir',
  '--heap-prof-dir',
]);

function entryFileOf(variant: VariantSpec): string | undefined {
  const { args, isNode } = resolveProgram(variant.command);
  if (!isNode) return undefined;
  // The script is the first argument that is neither a flag nor the value of one.
  let script: string | undefined;
  for (let i = 0; i < args.length && script === undefined; i++) {
    const arg = args[i] as string;
    if (nodeFlagsWithValue.has(arg)) i++;
    else if (!arg.startsWith('-')) script = arg;
  }
  if (script === undefined) return undefined;
  const file = resolve(variant.cwd, script);
  return existsSync(file) ? file : undefined;
}

// Node names a profile CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile; the main thread is
// thread 0 (a module-hooks worker writes a profile of its own).
function pickProfile(dir: string, pid: number | undefined): string | undefined {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = (f: string): boolean => {
    const parts = f.split('.');
    return parts[3] === String(pid) && parts[4] === '0';
  };
  const chosen =
    files.find(main) ?? files.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  return chosen === undefined ? undefined : join(dir, chosen);
}

function readIfThere(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function noProfile(variant: string): RunFailure {
  return {
    code: 'THAW_BENCH_EXITED',
    message: `Variant "${variant}" wrote no CPU profile: its command must run Node (directly or through NODE_OPTIONS), which writes the profile when it exits.`,
    stderrTail: '',
  };
}

interface ProfiledRun {
  readonly ok: boolean;
  readonly failure?: RunFailure;
  readonly readyMs?: number;
  readonly firstResponseMs?: number;
  readonly attribution?: ProfileAttribution;
}

async function profiledRun(
  variant: VariantSpec,
  iteration: number,
  warmup: boolean,
  intervalUs: number,
  bench: BenchOptions,
): Promise<ProfiledRun> {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-imports-'));
  try {
    const preload = join(dir, 'exit-on-sigterm.cjs');
    const loadsFile = join(dir, 'module-loads.json');
    writeFileSync(preload, exitOnSigterm + moduleLoadRecorder(loadsFile));
    const inherited = variant.env.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
    const flags = `--cpu-prof --cpu-prof-dir="${dir}" --cpu-prof-interval=${intervalUs} --require="${preload}"`;
    const profiled: VariantSpec = {
      ...variant,
      env: { ...variant.env, NODE_OPTIONS: `${inherited} ${flags}`.trim() },
    };
    const record = await runColdStart(profiled, { iteration, warmup }, bench);
    if (!record.ok || record.readyMs === undefined || record.firstResponseMs === undefined)
      return { ok: false, ...(record.failure === undefined ? {} : { failure: record.failure }) };
    if (warmup) return { ok: true };
    const file = pickProfile(dir, record.pid);
    if (file === undefined) return { ok: false, failure: noProfile(variant.name) };
    const profile: CpuProfile = readCpuProfile(file);
    const attribution = attributeProfile(
      profile,
      cutoffsOf(Date.parse(record.startedAt), record.readyMs, record.firstResponseMs),
      new FrameLabeler(entryFileOf(variant), dir),
      new ModuleLoadTimeline(parseModuleLoads(readIfThere(loadsFile))),
    );
    return { ok: true, readyMs: record.readyMs, firstResponseMs: record.firstResponseMs, attribution };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The harness times a run from its spawn in wall-clock ms; V8 stamps samples on the monotonic
// clock in µs. Both clocks are read here at once to convert (to within the 1 ms of `startedAt`).
function cutoffsOf(spawnEpochMs: number, readyMs: number, responseMs: number): Cutoffs {
  const monoNowUs = Number(process.hrtime.bigint() / 1000n);
  const epochNowMs = performance.timeOrigin + performance.now();
  const toMono = (epochMs: number): number => monoNowUs - (epochNowMs - epochMs) * 1000;
  return { readyUs: toMono(spawnEpochMs + readyMs), responseUs: toMono(spawnEpochMs + responseMs) };
}

function summarizeVariant(variant: string, runs: readonly ProfiledRun[]): VariantImportProfile {
  const done = runs.filter((r) => r.ok && r.attribution !== undefined);
  const labels = new Set(done.flatMap((r) => [...(r.attribution?.labels.keys() ?? [])]));
  const ms = (pick: (r: ProfiledRun) => number): number => Math.round(median(done.map(pick)) * 100) / 100;
  const packages: PackageCost[] = [...labels].map((label) => {
    const of = (r: ProfiledRun) => r.attribution?.labels.get(label);
    return {
      label,
      toReadyMs: ms((r) => (of(r)?.toReadyUs ?? 0) / 1000),
      inclusiveToReadyMs: ms((r) => (of(r)?.inclusiveToReadyUs ?? 0) / 1000),
      readyToResponseMs: ms((r) => (of(r)?.readyToResponseUs ?? 0) / 1000),
    };
  });
  packages.sort(
    (a, b) => Number(a.label === '(idle)') - Number(b.label === '(idle)') || b.toReadyMs - a.toReadyMs,
  );
  const withoutMaps = new Set<string>();
  for (const r of done)
    for (const [file, hasMap] of r.attribution?.scripts ?? [])
      if (!hasMap && file.includes('chunk')) withoutMaps.add(file);
  return {
    variant,
    runs: done.length,
    failures: runs.flatMap((r) => (r.failure === undefined ? [] : [r.failure])),
    readyMs: ms((r) => r.readyMs ?? 0),
    firstResponseMs: ms((r) => r.firstResponseMs ?? 0),
    busyToReadyMs: ms((r) => (r.attribution?.busyToReadyUs ?? 0) / 1000),
    packages,
    scriptsWithoutMaps: [...withoutMaps],
  };
}

/**
 * Profiles the cold starts of every variant of `plan`, interleaved, and ranks the packages by the
 * CPU time their code took on the way to ready.
 *
 * @example
 * ```ts
 * const result = await profileImports(await loadBenchFile('thaw.bench.json'), { runs: 5 });
 * console.log(renderImportProfile(result));
 * ```
 */
export async function profileImports(
  plan: BenchPlan,
  options: ImportProfileOptions = {},
): Promise<ImportProfileResult> {
  const runs = options.runs ?? 5;
  const warmupRuns = options.warmupRuns ?? 1;
  const intervalUs = options.intervalUs ?? 500;
  const resolved = resolveBenchOptions({ ...plan.options, ...options.bench });
  const bench: BenchOptions = { ...resolved, killGraceMs: Math.max(resolved.killGraceMs, minKillGraceMs) };
  const byVariant = new Map<string, ProfiledRun[]>(plan.variants.map((v) => [v.name, []]));
  const total = (runs + warmupRuns) * plan.variants.length;
  let index = 0;
  for (let round = 0; round < runs + warmupRuns; round++) {
    const warmup = round < warmupRuns;
    for (const variant of plan.variants) {
      const run = await profiledRun(variant, warmup ? round : round - warmupRuns, warmup, intervalUs, bench);
      if (!warmup) byVariant.get(variant.name)?.push(run);
      options.onRun?.({ variant: variant.name, index: ++index, total, ok: run.ok });
    }
  }
  return {
    schema: 'thaw-import-profile',
    version: importProfileVersion,
    node: process.version,
    intervalUs,
    variants: plan.variants.map((v) => summarizeVariant(v.name, byVariant.get(v.name) ?? [])),
  };
}

const pad = (text: string, width: number): string => text.padEnd(width);
const num = (ms: number): string => `${ms.toFixed(1)} ms`.padStart(10);

/**
 * The ranked table of each variant, the `top` largest packages and a line for the rest.
 *
 * @example
 * ```ts
 * process.stdout.write(renderImportProfile(result, 10));
 * ```
 */
export function renderImportProfile(result: ImportProfileResult, top = 15): string {
  const lines: string[] = [
    `CPU in each package's code on the way to ready, medians of the profiled runs (${result.intervalUs} µs sampling, Node ${result.node}).`,
    "own: the package's code and the loading and compiling Node does for it; incl.: with everything it loads and calls.",
    "(node): Node's bootstrap (an ES module graph's reading, compiling and linking goes to the package of the module being loaded).",
    'Profiling slows a start: rank with these figures, time with thaw bench.',
  ];
  for (const v of result.variants) {
    if (v.runs === 0) {
      lines.push('', `${v.variant}: 0 runs`);
      lines.push(`  no successful run${v.failures[0] === undefined ? '' : `: ${v.failures[0].message}`}`);
      continue;
    }
    lines.push(
      '',
      `${v.variant}: ${v.runs} runs, ready ${v.readyMs.toFixed(1)} ms, first response ${v.firstResponseMs.toFixed(1)} ms, busy to ready ${v.busyToReadyMs.toFixed(1)} ms`,
    );
    lines.push(
      `  ${pad('package', 34)}${'own'.padStart(10)}${'share'.padStart(7)}${'incl.'.padStart(11)}${'ready→resp'.padStart(12)}`,
    );
    const ranked = v.packages.filter((p) => p.label !== '(idle)');
    for (const p of ranked.slice(0, top)) {
      const share = v.busyToReadyMs > 0 ? `${Math.round((100 * p.toReadyMs) / v.busyToReadyMs)}%` : '–';
      lines.push(
        `  ${pad(p.label, 34)}${num(p.toReadyMs)}${share.padStart(7)} ${num(p.inclusiveToReadyMs)} ${num(p.readyToResponseMs)}`,
      );
    }
    const rest = ranked.slice(top);
    if (rest.length > 0) {
      const sum = rest.reduce((s, p) => s + p.toReadyMs, 0);
      lines.push(`  ${pad(`${rest.length} more`, 34)}${num(sum)}`);
    }
    const idle = v.packages.find((p) => p.label === '(idle)');
    if (idle !== undefined)
      lines.push(`  ${pad('(idle: waiting for I/O and timers)', 34)}${num(idle.toReadyMs)}`);
    if (v.failures.length > 0)
      lines.push(`  ${v.failures.length} failed run(s): ${v.failures[0]?.message ?? ''}`);
    for (const file of v.scriptsWithoutMaps)
      lines.push(
        `  note: ${file} has no source map; its packages are counted as the bundle's (build with sourceMap on).`,
      );
  }
  return `${lines.join('\n')}\n`;
}
