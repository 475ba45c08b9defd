// Invocation ids only have to be unique enough to correlate log lines and spans, not
// unguessable, so they are drawn from Math.random: loading node:crypto for them would add
// several milliseconds to every cold start. Four 32-bit draws, formatted without intermediate
// arrays: an id is made on many warm requests.

/** A random id in UUID v4 form. */
export function newInvocationId(random: () => number = Math.random): string {
  const a = word(random);
  const b = word(random);
  const c = word(random);
  const d = word(random);
  // Version 4 in the third group's first digit, variant 10xx in the fourth group's.
  const version = ((b & 0x0fff) | 0x4000) >>> 0;
  const variant = (((c >>> 16) & 0x3fff) | 0x8000) >>> 0;
  return (
    hex(a, 8) +
    '-' +
    hex(b >>> 16, 4) +
    '-' +
    hex(version, 4) +
    '-' +
    hex(variant, 4) +
    '-' +
    hex(c & 0xffff, 4) +
    hex(d, 8)
  );
}

function word(random: () => number): number {
  return Math.floor(random() * 0x1_0000_0000) >>> 0;
}

function hex(value: number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}
