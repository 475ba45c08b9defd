// How a received value appears in an error message. The secrecy rule is the runtime's: strings
// and plain scalars are shown (cut at 80 characters), objects and functions only by kind, since
// a config object may carry a token; a short list of scalars is shown like a scalar.
// @thaw/runtime (its errors.ts), @thaw/slim and @thaw/bench each own a copy of this rule on
// purpose, so that every package installs alone and depends on no internal module of another.

/**
 * A short, secret-free rendering of a value for error messages.
 *
 * @example
 * ```ts
 * describeValue('deploy'); // '"deploy"'
 * describeValue({ token: 'x' }); // 'an object'
 * describeValue(['a.json', 'b.json']); // '["a.json","b.json"]'
 * ```
 */
export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === undefined || value === null || typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return describeList(value);
  return typeof value === 'object' ? 'an object' : typeof value;
}

function describeList(values: readonly unknown[]): string {
  const scalars = values.every((v) => ['string', 'number', 'boolean'].includes(typeof v));
  const text = scalars ? JSON.stringify(values) : '';
  return scalars && text.length <= 80 ? text : 'an array';
}
