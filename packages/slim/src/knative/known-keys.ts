import { SlimConfigError } from '../errors.ts';

/** True for a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Refuses an object that is not one, or that has a key outside `valid`, naming the field and the
 * valid keys: a typo must not silently drop a setting.
 *
 * @example
 * ```ts
 * checkKnownKeys({ retry: 3 }, ['retry', 'backoffPolicy'], 'knative.trigger.delivery');
 * ```
 */
export function checkKnownKeys(value: unknown, valid: readonly string[], where: string): void {
  if (!isRecord(value))
    throw new SlimConfigError(where, value, `an object with keys among ${valid.join(', ')}`);
  for (const key of Object.keys(value)) {
    if (!valid.includes(key)) {
      throw new SlimConfigError(
        `${where}.${key}`,
        value[key],
        `a known option; valid ones are: ${valid.join(', ')}`,
      );
    }
  }
}

const dnsLabel = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** Refuses a value that is not a DNS-1035 label (Knative object and volume names). */
export function checkDnsLabel(option: string, value: unknown): void {
  if (typeof value !== 'string' || !dnsLabel.test(value)) {
    throw new SlimConfigError(
      option,
      value,
      'a DNS-1035 label: lower-case letters, digits and "-", at most 63',
    );
  }
}

/** Refuses a value that is not a DNS-1123 subdomain (Secret, ConfigMap and service account names). */
export function checkObjectName(option: string, value: unknown): void {
  if (typeof value !== 'string' || !dnsSubdomain.test(value)) {
    throw new SlimConfigError(
      option,
      value,
      'the name of a Kubernetes object: lower-case letters, digits, "-" and ".", at most 253',
    );
  }
}

/** Refuses a number that is not an integer in [min, max]. */
export function checkInteger(
  option: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new SlimConfigError(
      option,
      value,
      max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`,
    );
  }
}
