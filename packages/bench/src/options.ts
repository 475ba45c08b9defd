// Every tunable of a benchmark in one place, with its default. The bench file's top-level keys
// and the CLI flags both resolve to these.

/** How runs of different variants are ordered. */
export type RunOrder = 'interleaved' | 'randomized';

/**
 * Options of a benchmark. All optional; `resolveBenchOptions` fills the defaults.
 *
 * @example
 * ```ts
 * const options: BenchOptions = { runs: 40, warmupRuns: 3, order: 'randomized', seed: 7 };
 * ```
 */
export interface BenchOptions {
  /** Measured runs per variant. @default 30 */
  readonly runs?: number;
  /** Runs per variant done first and discarded (disk cache, JIT of the harness). @default 2 */
  readonly warmupRuns?: number;
  /** Pause after each run, so one run's teardown does not overlap the next one's start. @default 0 */
  readonly cooldownMs?: number;
  /** A run that has not answered its first request this long after spawn fails. @default 10000 */
  readonly timeoutMs?: number;
  /** The readiness probe's fixed period, counted from spawn (Knative probes aggressively too). @default 5 */
  readonly probeIntervalMs?: number;
  /** One probe attempt that takes longer than this counts as failed. @default 1000 */
  readonly probeTimeoutMs?: number;
  /** After SIGTERM to the child's process group, SIGKILL follows this much later. @default 2000 */
  readonly killGraceMs?: number;
  /** `interleaved` (A B C A B C) or `randomized` (each round a seeded shuffle). @default 'interleaved' */
  readonly order?: RunOrder;
  /** Seed of the PRNG behind randomized order and the bootstrap, so results are reproducible. @default 1 */
  readonly seed?: number;
  /** Bootstrap resamples for confidence intervals. @default 2000 */
  readonly bootstrapResamples?: number;
  /** Concurrent clients sent at spawn in burst mode; 0 turns burst mode off. @default 0 */
  readonly burst?: number;
  /** Latency objective, from spawn, that burst requests are counted against. @default 500 */
  readonly sloMs?: number;
  /** Bytes of the child's stderr kept for failure messages. @default 4096 */
  readonly stderrTailBytes?: number;
  /**
   * Burst mode: the variant whose burst p99 in the same run sets the objective (its p99 +
   * `sloMarginMs`) instead of `sloMs`, so the runtime's own start cost does not make every
   * variant miss. @default none (`sloMs` applies)
   */
  readonly sloFloor?: string;
  /** Added to the floor variant's p99 to give the objective. @default 300 */
  readonly sloMarginMs?: number;
  /** Container variants: image pulls measured per variant, cold and warm, before the runs. @default 1 */
  readonly pullRuns?: number;
}

/** `BenchOptions` with every field present. */
export type ResolvedBenchOptions = {
  readonly [K in Exclude<keyof BenchOptions, 'sloFloor'>]-?: NonNullable<BenchOptions[K]>;
} & { readonly sloFloor?: string };

/**
 * The defaults of `BenchOptions`, as documented on each field.
 *
 * @example
 * ```ts
 * console.log(defaultBenchOptions.runs); // 30
 * ```
 */
export const defaultBenchOptions: ResolvedBenchOptions = Object.freeze({
  runs: 30,
  warmupRuns: 2,
  cooldownMs: 0,
  timeoutMs: 10_000,
  probeIntervalMs: 5,
  probeTimeoutMs: 1000,
  killGraceMs: 2000,
  order: 'interleaved',
  seed: 1,
  bootstrapResamples: 2000,
  burst: 0,
  sloMs: 500,
  stderrTailBytes: 4096,
  sloMarginMs: 300,
  pullRuns: 1,
});

/**
 * Fills every missing option with its default (`??`, so an explicit 0 is kept).
 *
 * @example
 * ```ts
 * resolveBenchOptions({ runs: 10 }).warmupRuns; // 2
 * ```
 */
export function resolveBenchOptions(options: BenchOptions = {}): ResolvedBenchOptions {
  const d = defaultBenchOptions;
  return {
    runs: options.runs ?? d.runs,
    warmupRuns: options.warmupRuns ?? d.warmupRuns,
    cooldownMs: options.cooldownMs ?? d.cooldownMs,
    timeoutMs: options.timeoutMs ?? d.timeoutMs,
    probeIntervalMs: options.probeIntervalMs ?? d.probeIntervalMs,
    probeTimeoutMs: options.probeTimeoutMs ?? d.probeTimeoutMs,
    killGraceMs: options.killGraceMs ?? d.killGraceMs,
    order: options.order ?? d.order,
    seed: options.seed ?? d.seed,
    bootstrapResamples: options.bootstrapResamples ?? d.bootstrapResamples,
    burst: options.burst ?? d.burst,
    sloMs: options.sloMs ?? d.sloMs,
    stderrTailBytes: options.stderrTailBytes ?? d.stderrTailBytes,
    ...(options.sloFloor === undefined ? {} : { sloFloor: options.sloFloor }),
    sloMarginMs: options.sloMarginMs ?? d.sloMarginMs,
    pullRuns: options.pullRuns ?? d.pullRuns,
  };
}
