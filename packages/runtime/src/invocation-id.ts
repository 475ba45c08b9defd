// Invocation ids only have to be unique enough to correlate log lines and spans, not
// unguessable, so they are drawn from Math.random: loading node:crypto for them would add
// several milliseconds to every cold start.

const hex = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A random id in UUID v4 form. */
export function newInvocationId(random: () => number = Math.random): string {
  const bytes = Array.from({ length: 16 }, () => Math.floor(random() * 256));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = bytes.map((b) => hex[b] ?? '00');
  return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
}
