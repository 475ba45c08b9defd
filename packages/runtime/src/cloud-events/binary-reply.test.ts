import * as sdk from 'cloudevents';
import { describe, expect, it } from 'vitest';
import { binaryMessage, sdkMessage } from './binary-reply.ts';
import type { CloudEventInit } from './types.ts';

const base = { type: 'com.example.reply', source: '/orders', id: 'r-1', time: '2026-03-01T10:20:30.123Z' };

// Every shape a reply commonly takes, and the edges the direct path hands to the SDK.
const replies: Array<[string, CloudEventInit]> = [
  ['no data', base],
  ['JSON data', { ...base, data: { orderId: 'o-1', items: [1, 2] } }],
  ['text data with its content type', { ...base, datacontenttype: 'text/plain', data: 'hello' }],
  ['a string without a content type', { ...base, data: 'hello' }],
  ['bytes', { ...base, datacontenttype: 'application/octet-stream', data: new Uint8Array([1, 2, 3]) }],
  ['a number, a boolean and null as data', { ...base, data: 42 }],
  ['false as data', { ...base, data: false }],
  ['null as data', { ...base, data: null }],
  ['a subject and extensions', { ...base, subject: 'o-1', partitionkey: 'p7', retries: 3, urgent: true }],
  ['specversion 1.0 given', { ...base, specversion: '1.0' }],
  ['an offset time', { ...base, time: '2024-02-29T23:59:59+02:00' }],
  ['a dataschema', { ...base, dataschema: 'https://example.com/schema.json' }],
  // As a JavaScript handler (or an SDK CloudEvent) may have them: present, but undefined.
  [
    'an undefined subject and schemaurl',
    { ...base, subject: undefined, schemaurl: undefined } as unknown as CloudEventInit,
  ],
  ['a URI source', { ...base, source: 'https://example.com/orders?x=1#top' }],
  ['a URN source', { ...base, source: 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66' }],
  ['a Date as an extension', { ...base, when: new Date('2026-01-01T00:00:00Z') }],
  ['a time with a space', { ...base, time: '2026-03-01 10:20:30Z' }],
  ['typed-array data that is not bytes', { ...base, data: new Uint16Array([1, 2]) }],
  ['an object whose JSON is nothing', { ...base, data: { toJSON: () => undefined } }],
];

const invalid: Array<[string, Record<string, unknown>]> = [
  ['no type', { source: '/s' }],
  ['an empty source', { ...base, source: '' }],
  ['a source with a space', { ...base, source: '/a b' }],
  ['a number id', { ...base, id: 7 }],
  ['an empty subject', { ...base, subject: '' }],
  ['February 30th', { ...base, time: '2026-02-30T00:00:00Z' }],
  ['a time that is not a time', { ...base, time: 'yesterday' }],
  ['an upper-case extension name', { ...base, Retries: 1 }],
  ['an undefined extension', { ...base, extra: undefined }],
  ['an infinite number as data', { ...base, data: Number.POSITIVE_INFINITY }],
  ['a dataschema that is not a URI', { ...base, dataschema: 'not a uri' }],
];

function thrown(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('the binary-mode reply', () => {
  for (const [what, init] of replies) {
    it(`has the headers and body the SDK gives, for ${what}`, () => {
      expect(binaryMessage(init, sdk)).toEqual(sdkMessage(init, sdk));
    });
  }

  for (const [what, init] of invalid) {
    it(`is refused with the SDK's own error, for ${what}`, () => {
      const ours = thrown(() => binaryMessage(init as unknown as CloudEventInit, sdk));
      const theirs = thrown(() => sdkMessage(init as unknown as CloudEventInit, sdk));
      expect(ours).toBeInstanceOf(sdk.ValidationError);
      expect((ours as Error).message).toBe((theirs as Error).message);
    });
  }

  it('draws an id and the time when the event has none, as the SDK does', () => {
    const before = Date.now();
    const { headers } = binaryMessage({ type: 't', source: '/s', data: 'x' }, sdk);
    expect(headers['ce-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const time = Date.parse(headers['ce-time'] ?? '');
    expect(time).toBeGreaterThanOrEqual(before - 1);
    expect(time).toBeLessThanOrEqual(Date.now());
    expect(binaryMessage({ type: 't', source: '/s' }, sdk).headers['ce-id']).not.toBe(headers['ce-id']);
  });

  it('constructs no SDK event for a plain reply once its source has been judged', () => {
    let constructed = 0;
    class CountingEvent extends sdk.CloudEvent<unknown> {
      constructor(...args: ConstructorParameters<typeof sdk.CloudEvent<unknown>>) {
        super(...args);
        constructed += 1;
      }
    }
    const counting = { ...sdk, CloudEvent: CountingEvent } as unknown as typeof sdk;
    const reply = { type: 't', source: '/counted-source', data: { ok: true } };
    binaryMessage(reply, counting);
    const afterFirst = constructed;
    for (let i = 0; i < 5; i += 1) binaryMessage(reply, counting);
    expect(afterFirst).toBe(1);
    expect(constructed).toBe(1);
  });
});
