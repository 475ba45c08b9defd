import { ConfigError } from '../errors.ts';

/**
 * Splits `(name?, config)` the way every pool function takes it: `(config)`, `(url)`,
 * `(name, config)`, or `(name)` alone to ask for a pool created earlier (config `undefined`).
 * A lone string is a URL when it has a scheme (`postgres://…`), a name otherwise.
 */
export function nameAndConfig(
  call: string,
  defaultName: string,
  first: unknown,
  second: unknown,
): { name: string; config: unknown } {
  if (second !== undefined) return { name: poolName(call, first), config: second };
  if (typeof first === 'string' && !first.includes('://'))
    return { name: poolName(call, first), config: undefined };
  return { name: defaultName, config: first };
}

/** A pool name: 1 to 100 characters, no control characters (it becomes a metric label). */
export function poolName(call: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 100 || /\p{Cc}/u.test(value)) {
    throw new ConfigError(`${call} name`, value, 'a string of 1 to 100 printable characters');
  }
  return value;
}
