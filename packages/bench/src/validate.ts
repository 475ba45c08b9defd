// The checks every declaration of @thaw/bench uses (the options table, the bench file's
// variants, container variants, the CLI flags): each throws a BenchConfigError naming the path of
// the bad field, the value received and what is allowed.
import { BenchConfigError } from './errors.ts';
import { nearestName } from './nearest-name.ts';

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
      const nearest = nearestName(key, allowed);
      const hint = nearest === undefined ? '' : `; did you mean \`${nearest}\`?`;
      throw new BenchConfigError(at, value[key], `no such key (allowed here: ${allowed.join(', ')})${hint}`, {
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

/** Checks one value found at `path`. */
export type Validator<T> = (value: unknown, path: string, ctx: FieldContext) => T;

/** An integer ≥ `min`. */
export const integer =
  (min: number): Validator<number> =>
  (value, path, ctx) =>
    integerAtLeast(value, min, path, ctx);

/** A duration in milliseconds ≥ `minMs` (fractions allowed: timers take them). */
export const durationMs =
  (minMs: number): Validator<number> =>
  (value, path, ctx) =>
    numberAtLeast(value, minMs, path, ctx);

/** A size in whole bytes ≥ `minBytes`. */
export const byteSize =
  (minBytes: number): Validator<number> =>
  (value, path, ctx) =>
    integerAtLeast(value, minBytes, path, ctx);

/** One of `values`. */
export function oneOf<const T extends string>(values: readonly T[]): Validator<T> {
  return (value, path, ctx) => {
    if (!values.includes(value as T)) fail(path, value, values.map((v) => `"${v}"`).join(' or '), ctx);
    return value as T;
  };
}

/** `undefined`, or a value `validate` accepts. */
export function optional<T>(validate: Validator<T>): Validator<T | undefined> {
  return (value, path, ctx) => (value === undefined ? undefined : validate(value, path, ctx));
}
