// The checks every options declaration of the runtime uses (serve() options, pool options,
// tracing settings, initializer options): each takes the option's name and the value given, and
// returns the value or throws a ConfigError naming the option, the value and what is allowed.
import { ConfigError } from './errors.ts';

/** Checks one option's value. */
export type Validator<T> = (option: string, value: unknown) => T;

/** An integer from `min` to `max`. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Validator<number> {
  return (option, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const allowed =
        max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
      throw new ConfigError(option, value, allowed);
    }
    return value;
  };
}

/** A duration in whole milliseconds, at least `minMs`. */
export const durationMs = (minMs = 0): Validator<number> => integer(minMs);

/** A size in whole bytes, at least `minBytes`. */
export const byteSize = (minBytes = 0): Validator<number> => integer(minBytes);

/** `0` (off), or a fraction above 0 and below 1. */
export const fractionOrOff: Validator<number> = (option, value) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value >= 1) {
    throw new ConfigError(option, value, 'a number above 0 and below 1 (such as 0.9), or 0 to turn it off');
  }
  return value;
};

/** One of `values`. */
export function oneOf<const T extends string>(values: readonly T[]): Validator<T> {
  return (option, value) => {
    if (!values.includes(value as T)) {
      throw new ConfigError(option, value, `one of ${values.map((v) => `'${v}'`).join(', ')}`);
    }
    return value as T;
  };
}

/** `true` or `false`. */
export const boolean: Validator<boolean> = (option, value) => {
  if (typeof value !== 'boolean') throw new ConfigError(option, value, 'true or false');
  return value;
};

/** A string that is not empty. */
export const nonEmptyString: Validator<string> = (option, value) => {
  if (typeof value !== 'string' || value === '') throw new ConfigError(option, value, 'a non-empty string');
  return value;
};

/** A URL path starting with `/`. */
export const urlPath: Validator<string> = (option, value) => {
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new ConfigError(option, value, "a path starting with '/'");
  }
  return value;
};

/** A function (its signature is the caller's to document in `allowed`). */
export function functionOf<T>(allowed: string): Validator<T> {
  return (option, value) => {
    if (typeof value !== 'function') throw new ConfigError(option, value, allowed);
    return value as T;
  };
}

/** `undefined`, or a value `validate` accepts. */
export function optional<T>(validate: Validator<T>): Validator<T | undefined> {
  return (option, value) => (value === undefined ? undefined : validate(option, value));
}
