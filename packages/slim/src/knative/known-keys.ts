// Checks of the Knative settings' values; the generic ones (integers, known keys) are the
// package's shared validators.
import { SlimConfigError } from '../errors.ts';
import { integer } from '../validators.ts';

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
  integer(min, max)(option, value);
}
