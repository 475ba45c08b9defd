// The one byte formatter of @thaw/slim (size report, budget errors, image size report).
// @thaw/bench keeps its own on purpose: each package installs alone.

const units = ['kB', 'MB', 'GB'] as const;

/**
 * Bytes in the unit a person reads fastest: B, kB, MB, GB (powers of 1000, as registries and
 * `du --si` report), three significant digits.
 *
 * @example
 * ```ts
 * formatBytes(1_234_567); // '1.23 MB'
 * formatBytes(41_200); // '41.2 kB'
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 2 : 1)} ${units[unit] ?? 'GB'}`;
}
