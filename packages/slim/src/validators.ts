// The checks every options declaration of @thaw/slim uses (slim() options and config files,
// Knative settings, thaw image options): each takes the option's name and the value given and
// returns the value, or throws a SlimConfigError naming the option, the value and what is allowed.
import { SlimConfigError } from './errors.ts';
import { nearestName } from './nearest-name.ts';

/** Checks one option's value. */
export type Validator<T> = (option: string, value: unknown) => T;

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An integer from `min` to `max`. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): Validator<number> {
  return (option, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const allowed =
        max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
      throw new SlimConfigError(option, value, allowed);
    }
    return value;
  };
}

/** A duration in whole milliseconds, from `minMs` to `maxMs`. */
export function durationMs(minMs = 0, maxMs = Number.MAX_SAFE_INTEGER): Validator<number> {
  return (option, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minMs || value > maxMs) {
      const range = maxMs === Number.MAX_SAFE_INTEGER ? `≥ ${minMs}` : `from ${minMs} to ${maxMs}`;
      throw new SlimConfigError(option, value, `an integer number of milliseconds ${range}`);
    }
    return value;
  };
}

/** A size in whole bytes, from `minBytes` to `maxBytes`. */
export function byteSize(minBytes = 0, maxBytes = Number.MAX_SAFE_INTEGER): Validator<number> {
  return (option, value) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < minBytes || value > maxBytes) {
      const range =
        maxBytes === Number.MAX_SAFE_INTEGER ? `≥ ${minBytes}` : `from ${minBytes} to ${maxBytes}`;
      throw new SlimConfigError(option, value, `an integer number of bytes ${range}`);
    }
    return value;
  };
}

/** One of `values`. */
export function oneOf<const T extends string>(values: readonly T[]): Validator<T> {
  return (option, value) => {
    if (!values.includes(value as T)) {
      throw new SlimConfigError(option, value, values.map((v) => `"${v}"`).join(' or '));
    }
    return value as T;
  };
}

/** `true` or `false`. */
export const boolean: Validator<boolean> = (option, value) => {
  if (typeof value !== 'boolean') throw new SlimConfigError(option, value, 'true or false');
  return value;
};

/** A string that is not empty; `allowed` words what it is (an image reference, a folder…). */
export function nonEmptyString(allowed = 'a non-empty string'): Validator<string> {
  return (option, value) => {
    if (typeof value !== 'string' || value === '') throw new SlimConfigError(option, value, allowed);
    return value;
  };
}

/** A string matching `pattern`; `allowed` says what that is. */
export function matching(pattern: RegExp, allowed: string): Validator<string> {
  return (option, value) => {
    if (typeof value !== 'string' || !pattern.test(value)) throw new SlimConfigError(option, value, allowed);
    return value;
  };
}

/** A function; `allowed` words what it is (a fetch, a clock…). */
export function functionOf<T>(allowed: string): Validator<T> {
  return (option, value) => {
    if (typeof value !== 'function') throw new SlimConfigError(option, value, allowed);
    return value as T;
  };
}

/** An array of strings. */
export const stringList: Validator<readonly string[]> = (option, value) => {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new SlimConfigError(option, value, 'an array of strings');
  }
  return value;
};

/** `null`, or a value `validate` accepts (the message says `, or null`). */
export function nullable<T>(validate: Validator<T>): Validator<T | null> {
  return (option, value) => {
    if (value === null) return null;
    try {
      return validate(option, value);
    } catch (error) {
      if (!(error instanceof SlimConfigError)) throw error;
      throw new SlimConfigError(option, value, `${error.allowed}, or null`);
    }
  };
}

/** `undefined`, or a value `validate` accepts. */
export function optional<T>(validate: Validator<T>): Validator<T | undefined> {
  return (option, value) => (value === undefined ? undefined : validate(option, value));
}

/**
 * Refuses an object that is not one, or that has a key outside `valid`, naming the field, the
 * valid keys and the nearest one: a typo must not silently drop a setting.
 *
 * @example
 * ```ts
 * checkKnownKeys({ retry: 3 }, ['retry', 'backoffPolicy'], 'knative.trigger.delivery');
 * ```
 */
export function checkKnownKeys(value: unknown, valid: readonly string[], where: string): void {
  if (!isRecord(value)) {
    throw new SlimConfigError(where, value, `an object with keys among ${valid.join(', ')}`);
  }
  for (const key of Object.keys(value)) {
    if (valid.includes(key)) continue;
    const nearest = nearestName(key, valid);
    throw new SlimConfigError(
      where === '' ? key : `${where}.${key}`,
      value[key],
      `a known option; valid ones are: ${valid.join(', ')}`,
      { hint: nearest === undefined ? undefined : `Did you mean \`${nearest}\`?` },
    );
  }
}
