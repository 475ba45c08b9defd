import { redactSecrets } from '../errors.ts';

// Two calls name the same pool when their configurations are equal in value, not in identity:
// a handler that builds `{ connectionString }` on every request must get the one pool back.
// Functions compare by source text, so a factory re-created per call still matches itself.

const secretKey =
  /^(password|passwd|pwd|passphrase|secret|token|key|api[-_]?key|private[-_]?key|credentials?)$/i;
const maxDepth = 8;

/** The exact configuration, secrets included, as a stable string: only ever compared, never shown. */
export function fingerprintOf(config: unknown): string {
  return JSON.stringify(canonical(config, false, 0));
}

/** The configuration as it may appear in an error message: secrets replaced by `***`. */
export function displayOf(config: unknown): string {
  return JSON.stringify(canonical(config, true, 0));
}

function canonical(value: unknown, redact: boolean, depth: number): unknown {
  if (typeof value === 'string') return redact ? redactSecrets(value) : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (value === undefined) return '[undefined]';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') {
    const name = value.name === '' ? 'anonymous' : value.name;
    return redact ? `[function ${name}]` : `[function ${name}] ${value.toString()}`;
  }
  if (depth >= maxDepth) return '[nested too deep]';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) {
    return redact ? `[${value.byteLength} bytes]` : `[bytes ${Buffer.from(value).toString('base64')}]`;
  }
  if (Array.isArray(value)) return value.map((item: unknown) => canonical(item, redact, depth + 1));
  if (value instanceof RegExp || value instanceof Date) return value.toString();
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item === undefined) continue;
    out[key] = redact && secretKey.test(key) ? '***' : canonical(item, redact, depth + 1);
  }
  return out;
}
