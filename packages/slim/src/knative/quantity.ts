// Kubernetes resource quantities ("100m", "0.5", "128Mi", "1G"), parsed only far enough to
// compare a limit with its request before a cluster rejects the manifest at deploy time.

const suffixes: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const pattern = /^(\d+(?:\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/**
 * The numeric value of a Kubernetes quantity, or undefined when the text is not one.
 *
 * @example
 * ```ts
 * parseQuantity('250m'); // 0.25
 * parseQuantity('128Mi'); // 134217728
 * ```
 */
export function parseQuantity(text: string): number | undefined {
  const match = pattern.exec(text);
  if (match === null) return undefined;
  const scale = suffixes[match[2] ?? ''];
  if (scale === undefined) return undefined;
  return Number(match[1]) * scale;
}
