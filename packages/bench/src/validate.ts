// Field checkers shared by the bench file and the CLI flags: each throws a BenchConfigError
// naming the path of the bad field, the value received and what is allowed.
import { BenchConfigError } from './errors.ts';
import { type BenchOptions, type RunOrder } from './options.ts';

/** Where a value came from, for error messages (`thaw.bench.json`, `the command line`). */
export interface FieldContext {
  readonly source?: string;
}

/** A plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function fail(path: string, value: unknown, allowed: string, ctx: FieldContext): never {
  throw new BenchConfigError(path, value, allowed, ctx.source === undefined ? {} : { source: ctx.source });
}

export function checkKeys(
  value: Record<string, unknown>,
  allowed: readonly string[],
  path: string,
  ctx: FieldContext,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      const at = path === '' ? key : `${path}.${key}`;
      throw new BenchConfigError(at, value[key], `no such key (allowed here: ${allowed.join(', ')})`, {
        ...(ctx.source === undefined ? {} : { source: ctx.source }),
      });
    }
  }
}

export function integerAtLeast(value: unknown, min: number, path: string, ctx: FieldContext): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    fail(path, value, `an integer ≥ ${min}`, ctx);
  }
  return value;
}

export function numberAtLeast(value: unknown, min: number, path: string, ctx: FieldContext): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    fail(path, value, `a number ≥ ${min}`, ctx);
  }
  return value;
}

export function nonEmptyString(value: unknown, path: string, ctx: FieldContext): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, value, 'a non-empty string', ctx);
  return value;
}

export function stringArray(value: unknown, path: string, ctx: FieldContext, nonEmpty: boolean): string[] {
  if (!Array.isArray(value) || (nonEmpty && value.length === 0)) {
    fail(path, value, nonEmpty ? 'a non-empty array of strings' : 'an array of strings', ctx);
  }
  return value.map((item: unknown, i) => {
    if (typeof item !== 'string') fail(`${path}[${i}]`, item, 'a string', ctx);
    return item;
  });
}

export function stringRecord(value: unknown, path: string, ctx: FieldContext): Record<string, string> {
  if (!isRecord(value)) fail(path, value, 'an object of string values', ctx);
  const out: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') fail(`${path}.${key}`, item, 'a string', ctx);
    out[key] = item;
  }
  return out;
}

/** Keys of `BenchOptions` a bench file may set at top level. */
export const benchFileOptionKeys = [
  'runs',
  'warmupRuns',
  'cooldownMs',
  'timeoutMs',
  'probeIntervalMs',
  'probeTimeoutMs',
  'killGraceMs',
  'order',
  'seed',
  'burst',
  'sloMs',
  'sloFloor',
  'sloMarginMs',
  'pullRuns',
] as const;

/** Validates the options present in `value` (at `prefix`) and returns them. */
export function parseOptions(
  value: Record<string, unknown>,
  ctx: FieldContext,
  name: (key: string) => string = (key) => key,
): BenchOptions {
  const out: { -readonly [K in keyof BenchOptions]: BenchOptions[K] } = {};
  if (value.runs !== undefined) out.runs = integerAtLeast(value.runs, 1, name('runs'), ctx);
  if (value.warmupRuns !== undefined)
    out.warmupRuns = integerAtLeast(value.warmupRuns, 0, name('warmupRuns'), ctx);
  if (value.cooldownMs !== undefined)
    out.cooldownMs = numberAtLeast(value.cooldownMs, 0, name('cooldownMs'), ctx);
  if (value.timeoutMs !== undefined)
    out.timeoutMs = numberAtLeast(value.timeoutMs, 1, name('timeoutMs'), ctx);
  if (value.probeIntervalMs !== undefined) {
    out.probeIntervalMs = numberAtLeast(value.probeIntervalMs, 1, name('probeIntervalMs'), ctx);
  }
  if (value.probeTimeoutMs !== undefined) {
    out.probeTimeoutMs = numberAtLeast(value.probeTimeoutMs, 1, name('probeTimeoutMs'), ctx);
  }
  if (value.killGraceMs !== undefined)
    out.killGraceMs = numberAtLeast(value.killGraceMs, 0, name('killGraceMs'), ctx);
  if (value.order !== undefined) {
    if (value.order !== 'interleaved' && value.order !== 'randomized') {
      fail(name('order'), value.order, '"interleaved" or "randomized"', ctx);
    }
    out.order = value.order satisfies RunOrder;
  }
  if (value.seed !== undefined) out.seed = integerAtLeast(value.seed, 0, name('seed'), ctx);
  if (value.burst !== undefined) out.burst = integerAtLeast(value.burst, 0, name('burst'), ctx);
  if (value.sloMs !== undefined) out.sloMs = numberAtLeast(value.sloMs, 1, name('sloMs'), ctx);
  if (value.sloFloor !== undefined) out.sloFloor = nonEmptyString(value.sloFloor, name('sloFloor'), ctx);
  if (value.sloMarginMs !== undefined)
    out.sloMarginMs = numberAtLeast(value.sloMarginMs, 0, name('sloMarginMs'), ctx);
  if (value.pullRuns !== undefined) out.pullRuns = integerAtLeast(value.pullRuns, 0, name('pullRuns'), ctx);
  return out;
}
