// Generates HTTP requests that are NOT valid CloudEvents 1.0 events, each broken in one definite
// way (chosen at random) and dressed with random noise that cannot repair it: extension headers,
// header case, body bytes, Content-Type parameters.
import type { Random } from './prng.ts';

/** One generated request. */
export interface MalformedCase {
  readonly breakage: string;
  readonly method: 'POST';
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const required = ['id', 'source', 'type', 'specversion'] as const;

function noise(random: Random, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_.:/ ';
  return Array.from({ length }, () => alphabet.charAt(random.int(0, alphabet.length - 1))).join('');
}

// JSON text as RFC 8259 defines it: UTF-8 (no replacement characters) that parses.
function isJsonText(body: Buffer): boolean {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body));
    return true;
  } catch {
    return false;
  }
}

// Random bytes after a JSON prefix can complete it (`nul` + `l`, a truncated event + `}`): then
// the case would be a valid event. A trailing comma breaks any complete JSON value again, and
// draws nothing from `random`, so every other case of the sequence stays the same.
function neverJson(body: Buffer): Buffer {
  return isJsonText(body) ? Buffer.concat([body, Buffer.from(',')]) : body;
}

function randomBytes(random: Random, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => random.int(0, 255)));
}

function validBinary(random: Random): Record<string, string> {
  return {
    'ce-id': `id-${random.int(1, 1e9)}`,
    'ce-source': `/fuzz/${random.int(1, 1000)}`,
    'ce-type': 'dev.thaw.fuzz',
    'ce-specversion': '1.0',
  };
}

function validStructured(random: Random): Record<string, unknown> {
  return {
    id: `id-${random.int(1, 1e9)}`,
    source: `/fuzz/${random.int(1, 1000)}`,
    type: 'dev.thaw.fuzz',
    specversion: '1.0',
    data: { n: random.int(0, 100) },
  };
}

// Valid extension headers: they never make an invalid event valid.
function withExtensions(random: Random, headers: Record<string, string>): Record<string, string> {
  for (let index = random.int(0, 3); index > 0; index -= 1) {
    headers[`ce-ext${random.int(0, 999)}`] = encodeURIComponent(noise(random, random.int(1, 20)));
  }
  return headers;
}

const breakers: ReadonlyArray<(random: Random) => Omit<MalformedCase, 'method'>> = [
  (random) => {
    const headers = validBinary(random);
    const missing = random.pick(required);
    const kept = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== `ce-${missing}`));
    if (random.chance(0.5)) kept[`ce-${missing}`] = '';
    return {
      breakage: `binary: ${missing} missing or empty`,
      headers: withExtensions(random, { ...kept, 'content-type': 'application/json' }),
      body: Buffer.from('{"ok":true}'),
    };
  },
  (random) => ({
    breakage: 'binary: unsupported specversion',
    headers: withExtensions(random, {
      ...validBinary(random),
      'ce-specversion': random.pick(['0.3', '2.0', '1', '1.0.0', noise(random, 5) || 'x']),
      'content-type': 'text/plain',
    }),
    body: Buffer.from(noise(random, 10)),
  }),
  (random) => ({
    breakage: 'binary: body is not JSON under a JSON content type',
    headers: withExtensions(random, {
      ...validBinary(random),
      'content-type': random.pick(['application/json', 'application/vnd.x+json', 'text/json']),
    }),
    body: neverJson(
      Buffer.concat([
        Buffer.from(random.pick(['{', '[1,', '{"a":', 'nul', '"open'])),
        randomBytes(random, random.int(0, 64)),
      ]),
    ),
  }),
  (random) => ({
    breakage: 'binary: invalid attribute header',
    headers: withExtensions(random, {
      ...validBinary(random),
      [random.pick(['ce-bad_name', 'ce-datacontenttype', 'ce-data', 'ce-dash-ed'])]: noise(random, 8) || 'v',
      'content-type': 'text/plain',
    }),
    body: Buffer.from('x'),
  }),
  (random) => ({
    breakage: 'binary: bad time, dataschema or percent-encoding',
    headers: withExtensions(random, {
      ...validBinary(random),
      ...random.pick([
        { 'ce-time': random.pick(['yesterday', '2024-13-40T99:00:00Z', '12345']) },
        { 'ce-dataschema': random.pick(['not a uri', 'relative/path', '::']) },
        { 'ce-subject': random.pick(['%ZZ', '%E0%A4%A', '%']) },
      ]),
      'content-type': 'text/plain',
    }),
    body: Buffer.from('x'),
  }),
  (random) => ({
    breakage: 'neither mode: no ce-* headers, not structured',
    headers: { 'content-type': random.pick(['application/json', 'text/plain', 'application/octet-stream']) },
    body: randomBytes(random, random.int(0, 128)),
  }),
  (random) => {
    const text = JSON.stringify(validStructured(random));
    return {
      breakage: 'structured: truncated or corrupted JSON',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: neverJson(
        Buffer.concat([
          Buffer.from(text.slice(0, random.int(0, text.length - 1))),
          randomBytes(random, random.int(0, 8)),
        ]),
      ),
    };
  },
  (random) => ({
    breakage: 'structured: not a JSON object',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: Buffer.from(random.pick(['[]', '42', '"event"', 'null', 'true', '[{"id":"1"}]'])),
  }),
  (random) => {
    const broken = random.int(0, 4);
    const dropped = broken === 0 ? random.pick(required) : undefined;
    const event = Object.fromEntries(
      Object.entries(validStructured(random)).filter(([name]) => name !== dropped),
    );
    if (broken === 1) event[random.pick(required)] = random.pick([42, true, {}, []]);
    else if (broken === 2) event['data_base64'] = 'aGVsbG8=';
    else if (broken === 3) event[`Bad-${noise(random, 3)}`] = 'x';
    else if (broken === 4)
      event[`ext${random.int(0, 9)}`] = random.pick([{ nested: 1 }, [1, 2], 1.5, 2 ** 40]);
    return {
      breakage: 'structured: invalid attributes',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: Buffer.from(JSON.stringify(event)),
    };
  },
  (random) => ({
    breakage: 'unsupported mode: batch or non-JSON structured',
    headers: {
      ...validBinary(random),
      'content-type': random.pick([
        'application/cloudevents-batch+json',
        'application/cloudevents+xml',
        'application/cloudevents+protobuf',
      ]),
    },
    body: Buffer.from(random.pick(['[]', '<event/>', '\u0000\u0001'])),
  }),
];

/** The `index`-th malformed request of the sequence that `random` generates. */
export function malformedCase(random: Random): MalformedCase {
  const made = random.pick(breakers)(random);
  return { ...made, method: 'POST' };
}
