// Every tunable of a benchmark, declared once: `benchOptionTable` gives each its default, its
// validator, whether a bench file may set it, and the row the README's bench-file table shows.
// The defaults, the resolved type, the bench file's keys, the checks of options given in code,
// in a bench file or as flags, and that README table all derive from it (a test keeps the README
// and the JSDoc defaults in agreement).
import { BenchConfigError } from './errors.ts';
import {
  type FieldContext,
  type Validator,
  checkKeys,
  durationMs,
  integer,
  isRecord,
  nonEmptyString,
  oneOf,
  optional,
} from './validate.ts';

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
  /**
   * Container variants: how long the queue-proxy's prober goes on after the first response (at
   * least until the last one), its probes counted apart from those before it. @default 1000
   */
  readonly probeAfterResponseMs?: number;
}

/** One option: its default, how it is checked, what the README says of it. */
interface OptionDeclaration<T> {
  readonly default: T;
  /** The README's "type" column. */
  readonly type: string;
  /** The default as the README shows it, when it is not the plain value. */
  readonly shownDefault?: string;
  /** False for the options only code and flags may give (a bench file cannot set them). */
  readonly inFile?: false;
  readonly validate: Validator<T>;
  /** The README's "meaning" column. */
  readonly doc: string;
}

const option = <T>(declaration: OptionDeclaration<T>): OptionDeclaration<T> => declaration;

const runOrders = ['interleaved', 'randomized'] as const satisfies readonly RunOrder[];

/**
 * Every option of {@link BenchOptions}, declared once, in the order the README lists them. The
 * compiler keeps it complete: an option of `BenchOptions` missing here does not build.
 */
export const benchOptionTable = {
  runs: option({
    default: 30,
    type: 'integer ≥ 1',
    validate: integer(1),
    doc: 'measured runs per variant',
  }),
  warmupRuns: option({
    default: 2,
    type: 'integer ≥ 0',
    validate: integer(0),
    doc: 'discarded runs per variant, done first',
  }),
  cooldownMs: option({
    default: 0,
    type: 'number ≥ 0',
    validate: durationMs(0),
    doc: 'pause after each run',
  }),
  timeoutMs: option({
    default: 10_000,
    type: 'number ≥ 1',
    validate: durationMs(1),
    doc: 'a run without its first response this long after spawn fails',
  }),
  probeIntervalMs: option({
    default: 5,
    type: 'number ≥ 1',
    validate: durationMs(1),
    doc: 'probe period, counted from spawn',
  }),
  probeTimeoutMs: option({
    default: 1000,
    type: 'number ≥ 1',
    validate: durationMs(1),
    doc: "one probe attempt's limit",
  }),
  killGraceMs: option({
    default: 2000,
    type: 'number ≥ 0',
    validate: durationMs(0),
    doc: 'SIGTERM → SIGKILL delay',
  }),
  order: option<RunOrder>({
    default: 'interleaved',
    type: '`"interleaved"` \\| `"randomized"`',
    validate: oneOf(runOrders),
    doc: 'run order within a round',
  }),
  seed: option({
    default: 1,
    type: 'integer ≥ 0',
    validate: integer(0),
    doc: 'randomized order and bootstrap',
  }),
  bootstrapResamples: option({
    default: 2000,
    type: 'integer ≥ 100',
    inFile: false,
    validate: integer(100),
    doc: 'bootstrap resamples for confidence intervals (`--resamples`; not in a bench file)',
  }),
  burst: option({
    default: 0,
    type: 'integer ≥ 0',
    validate: integer(0),
    doc: 'burst mode: clients at spawn (0 = off)',
  }),
  sloMs: option({
    default: 500,
    type: 'number ≥ 1',
    validate: durationMs(1),
    doc: 'burst latency objective',
  }),
  stderrTailBytes: option({
    default: 4096,
    type: 'integer ≥ 0',
    inFile: false,
    validate: integer(0),
    doc: "bytes of the child's stderr kept for failure messages (code only)",
  }),
  sloFloor: option<string | undefined>({
    default: undefined,
    type: 'variant name',
    shownDefault: '—',
    validate: optional(nonEmptyString),
    doc: "count burst misses against this variant's burst p99 + `sloMarginMs`",
  }),
  sloMarginMs: option({
    default: 300,
    type: 'number ≥ 0',
    validate: durationMs(0),
    doc: "added to the floor variant's p99",
  }),
  pullRuns: option({
    default: 1,
    type: 'integer ≥ 0',
    validate: integer(0),
    doc: 'container variants: cold and warm image pulls measured per image',
  }),
  probeAfterResponseMs: option({
    default: 1000,
    type: 'number ≥ 0',
    validate: durationMs(0),
    doc: 'container variants: probing goes on this long after the first response',
  }),
} as const satisfies { readonly [K in keyof Required<BenchOptions>]: OptionDeclaration<BenchOptions[K]> };

type Declarations = Record<string, OptionDeclaration<unknown>>;

/** `BenchOptions` with every field present (`sloFloor` stays optional: none means `sloMs`). */
export type ResolvedBenchOptions = {
  readonly [K in Exclude<keyof BenchOptions, 'sloFloor'>]-?: NonNullable<BenchOptions[K]>;
} & { readonly sloFloor?: string };

/** Keys of `BenchOptions` a bench file may set at top level. */
export const benchFileOptionKeys = Object.freeze(
  Object.entries(benchOptionTable as Declarations)
    .filter(([, declaration]) => declaration.inFile !== false)
    .map(([name]) => name),
) as readonly Exclude<keyof BenchOptions, 'bootstrapResamples' | 'stderrTailBytes'>[];

/**
 * The defaults of `BenchOptions`, taken from the declaration.
 *
 * @example
 * ```ts
 * console.log(defaultBenchOptions.runs); // 30
 * ```
 */
export const defaultBenchOptions: ResolvedBenchOptions = Object.freeze(
  Object.fromEntries(
    Object.entries(benchOptionTable as Declarations)
      .filter(([, declaration]) => declaration.default !== undefined)
      .map(([name, declaration]) => [name, declaration.default]),
  ) as unknown as ResolvedBenchOptions,
);

/**
 * The README's bench-file rows of the options, `[field, type, default, meaning]`, as the
 * declaration says them.
 *
 * @example
 * ```ts
 * benchOptionRows()[0]; // ['`runs`', 'integer ≥ 1', '30', 'measured runs per variant']
 * ```
 */
export function benchOptionRows(): Array<[string, string, string, string]> {
  return Object.entries(benchOptionTable as Declarations)
    .filter(([, declaration]) => declaration.inFile !== false)
    .map(([name, declaration]) => [
      `\`${name}\``,
      declaration.type,
      declaration.shownDefault ?? shownValue(declaration.default),
      declaration.doc,
    ]);
}

/**
 * A default as the README and the JSDoc write it: numbers plain, strings as JSON in backticks.
 *
 * @example
 * ```ts
 * shownValue('interleaved'); // '`"interleaved"`'
 * ```
 */
export function shownValue(value: unknown): string {
  return typeof value === 'string' ? `\`${JSON.stringify(value)}\`` : String(value);
}

/**
 * Checks the options present in `value`: an unknown name is refused with the valid ones and the
 * nearest, each value with its option's validator. `name` maps an option to what the user wrote
 * (a flag), `keys` limits which may appear.
 *
 * @example
 * ```ts
 * parseOptions({ runs: 10 }, { source: 'thaw.bench.json' }); // { runs: 10 }
 * ```
 */
export function parseOptions(
  value: Record<string, unknown>,
  ctx: FieldContext,
  name: (key: string) => string = (key) => key,
  keys: readonly string[] = benchFileOptionKeys,
): BenchOptions {
  const table = benchOptionTable as Declarations;
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const given = value[key];
    if (given !== undefined) out[key] = table[key]?.validate(given, name(key), ctx);
  }
  return out;
}

/**
 * Checks the options given and fills every missing one with its default (`??`, so an explicit 0
 * is kept); an unknown name is refused with the nearest valid one.
 *
 * @example
 * ```ts
 * resolveBenchOptions({ runs: 10 }).warmupRuns; // 2
 * ```
 */
export function resolveBenchOptions(options: BenchOptions = {}): ResolvedBenchOptions {
  if (!isRecord(options)) throw new BenchConfigError('bench options', options, 'an object of BenchOptions');
  const names = Object.keys(benchOptionTable);
  checkKeys(options, names, '', {});
  const given = parseOptions(options, {}, (key) => key, names) as Record<string, unknown>;
  const resolved: Record<string, unknown> = {};
  for (const [key, declaration] of Object.entries(benchOptionTable as Declarations)) {
    const value = given[key] ?? declaration.default;
    if (value !== undefined) resolved[key] = value;
  }
  return resolved as ResolvedBenchOptions;
}
