// Checks of the Knative settings' values; the generic ones (integers, known keys) are the
// package's shared validators.
import { integer, matching } from '../validators.ts';

const dnsLabel = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const dnsLabelName = matching(dnsLabel, 'a DNS-1035 label: lower-case letters, digits and "-", at most 63');
const objectName = matching(
  dnsSubdomain,
  'the name of a Kubernetes object: lower-case letters, digits, "-" and ".", at most 253',
);

/** Refuses a value that is not a DNS-1035 label (Knative object and volume names). */
export function checkDnsLabel(option: string, value: unknown): void {
  dnsLabelName(option, value);
}

/** Refuses a value that is not a DNS-1123 subdomain (Secret, ConfigMap and service account names). */
export function checkObjectName(option: string, value: unknown): void {
  objectName(option, value);
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
