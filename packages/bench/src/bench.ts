// A whole benchmark: the schedule of fresh-process runs, executed one at a time (concurrent
// runs would compete for the CPU they are measuring), then summarized.
import { arch, cpus, loadavg, platform } from 'node:os';
import { type BenchPlan, type VariantSpec } from './config.ts';
import { installInterruptHandlers } from './child-registry.ts';
import { runContainerColdStart } from './container-run.ts';
import { type ContainerSession, openContainerSession } from './container-session.ts';
import { type StagedImage } from './containers/image-pull.ts';
import { knativeProbingOf } from './knative/knative-cold-start.ts';
import { type BenchOptions, type ResolvedBenchOptions, resolveBenchOptions } from './options.ts';
import { type RunRecord } from './run-record.ts';
import { runColdStart } from './run.ts';
import { buildSchedule } from './schedule.ts';
import { type BenchSummary, summarize } from './summary.ts';

/**
 * Version of the JSON results schema (`BenchResult`); bumped on any incompatible change.
 *
 * @example
 * ```ts
 * if (result.version !== benchResultVersion) throw new Error('results from another thaw bench version');
 * ```
 */
export const benchResultVersion = 1;

/** Where the benchmark ran. */
export interface BenchEnvironment {
  readonly node: string;
  readonly platform: string;
  readonly arch: string;
  readonly cpus: number;
  readonly cpuModel: string;
  /** 1, 5 and 15 minute load averages when the benchmark started. */
  readonly loadAverage: readonly number[];
}

/** A finished benchmark: everything measured and its summary. */
export interface BenchResult {
  readonly schema: 'thaw-bench-result';
  readonly version: typeof benchResultVersion;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly environment: BenchEnvironment;
  readonly options: ResolvedBenchOptions;
  readonly variants: readonly VariantSpec[];
  /** Every run, warm-ups and failures included, in the order they ran. */
  readonly runs: readonly RunRecord[];
  readonly summary: BenchSummary;
  /** How readiness was probed: process variants by the harness's fine probe, containers as Knative does. */
  readonly probing?: { readonly process?: string; readonly knative?: string };
  /** Container variants: their images (layers, compressed sizes) and the pulls measured. */
  readonly images?: readonly StagedImage[];
}

/** Progress events, for live views. */
export interface BenchProgress {
  /** 1-based position in the whole schedule. */
  readonly index: number;
  readonly total: number;
  readonly variant: string;
  readonly warmup: boolean;
  /** Present once the run is done. */
  readonly record?: RunRecord;
  /** Milliseconds since the benchmark started. */
  readonly elapsedMs: number;
}

/** Hooks and switches of `runBench`. */
export interface RunBenchHooks {
  readonly onProgress?: (event: BenchProgress) => void;
  /** Kill children by PID and exit on SIGINT/SIGTERM while running. @default true */
  readonly handleSignals?: boolean;
  /** Container variants: the folder their private store and registry are made in. @default os.tmpdir() */
  readonly containerScratchDir?: string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs a benchmark plan. Options given here override the bench file's.
 *
 * @example
 * ```ts
 * const plan = await loadBenchFile('thaw.bench.json');
 * const result = await runBench(plan, { runs: 10 });
 * for (const c of result.summary.comparisons) console.log(c.verdict);
 * ```
 */
export async function runBench(
  plan: BenchPlan,
  overrides: BenchOptions = {},
  hooks: RunBenchHooks = {},
): Promise<BenchResult> {
  const options = resolveBenchOptions({ ...plan.options, ...definedOnly(overrides) });
  const uninstall = (hooks.handleSignals ?? true) ? installInterruptHandlers() : () => undefined;
  const startedAt = new Date();
  const environment = environmentOf();
  const schedule = buildSchedule(plan.variants.length, options);
  const runs: RunRecord[] = [];
  let containers: ContainerSession | undefined;
  try {
    if (plan.variants.some((v) => v.container !== undefined))
      containers = await openContainerSession(plan.variants, options.pullRuns, hooks.containerScratchDir);
    for (const [i, slot] of schedule.entries()) {
      const variant = plan.variants[slot.variantIndex] as VariantSpec;
      const event = { index: i + 1, total: schedule.length, variant: variant.name, warmup: slot.warmup };
      hooks.onProgress?.({ ...event, elapsedMs: Date.now() - startedAt.getTime() });
      const position = { iteration: slot.iteration, warmup: slot.warmup };
      const record =
        variant.container !== undefined && containers !== undefined
          ? await runContainerColdStart(
              variant,
              containers.referenceOf(variant.name),
              containers.store.store,
              position,
              options,
            )
          : await runColdStart(variant, position, options);
      runs.push(record);
      hooks.onProgress?.({ ...event, record, elapsedMs: Date.now() - startedAt.getTime() });
      if (options.cooldownMs > 0 && i < schedule.length - 1) await sleep(options.cooldownMs);
    }
  } finally {
    await containers?.close();
    uninstall();
  }
  return {
    schema: 'thaw-bench-result',
    version: benchResultVersion,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    environment,
    options,
    variants: plan.variants,
    runs,
    summary: summarize(runs, plan.variants, options),
    probing: probingOf(plan, options, containers !== undefined),
    ...(containers === undefined ? {} : { images: containers.images }),
  };
}

function environmentOf(): BenchEnvironment {
  return {
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverage: loadavg().map((v) => Math.round(v * 100) / 100),
  };
}

/** How readiness was probed, for the result: the harness's fine probe, Knative's for containers. */
function probingOf(
  plan: BenchPlan,
  options: ResolvedBenchOptions,
  containers: boolean,
): NonNullable<BenchResult['probing']> {
  const hasProcess = plan.variants.some((v) => v.container === undefined);
  return {
    ...(hasProcess
      ? {
          process: `process: every ${options.probeIntervalMs} ms from spawn, ${options.probeTimeoutMs} ms timeout`,
        }
      : {}),
    ...(containers ? { knative: knativeProbingOf(options.probeAfterResponseMs) } : {}),
  };
}

function definedOnly(options: BenchOptions): BenchOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}
