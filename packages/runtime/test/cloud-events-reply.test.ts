// A CloudEvents function's reply on the wire: the binary-mode HTTP response serve() writes for an
// event the function returns has the headers and body the cloudevents SDK's own
// `HTTP.binary(new CloudEvent(init))` gives for it (binary-reply.test.ts compares the message
// builder with the SDK; this compares what a client receives).
import * as sdk from 'cloudevents';
import { afterEach, describe, expect, it } from 'vitest';
import { cloudEvent } from '../src/index.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

const base = { type: 'com.example.reply', source: '/orders', id: 'r-1', time: '2026-03-01T10:20:30.123Z' };

// The shapes a reply commonly takes.
const replies: Array<[string, Record<string, unknown>]> = [
  ['JSON data', { ...base, data: { orderId: 'o-1', total: 12.5, items: [1, 2] } }],
  ['text data with its content type', { ...base, datacontenttype: 'text/plain', data: 'héllo ✓' }],
  ['a string without a content type', { ...base, data: 'plain' }],
  ['bytes', { ...base, datacontenttype: 'application/octet-stream', data: new Uint8Array([0, 1, 255]) }],
  ['a number as data', { ...base, data: 42 }],
  [
    'a subject and extensions',
    { ...base, subject: 'o-1', partitionkey: 'p7', retries: 3, urgent: true, data: {} },
  ],
  [
    'a URI source and an offset time',
    { ...base, source: 'https://example.com/x?y=1', time: '2024-02-29T23:59:59+02:00', data: [1] },
  ],
  ['a dataschema', { ...base, dataschema: 'https://example.com/schema.json', data: { a: 1 } }],
];

/** What the SDK gives for `init`: its headers (lower-case names, string values) and body bytes. */
function sdkBinary(init: Record<string, unknown>): { headers: Record<string, string>; body: Buffer } {
  const message = sdk.HTTP.binary(new sdk.CloudEvent({ ...init }));
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = String(value);
  }
  const payload: unknown = message.body;
  const body =
    payload instanceof Uint8Array
      ? Buffer.from(payload)
      : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));
  return { headers, body };
}

const incoming = {
  'ce-id': 'evt-1',
  'ce-source': '/in',
  'ce-type': 'com.example.in',
  'ce-specversion': '1.0',
  'content-type': 'application/json',
};

describe('a CloudEvents reply on the wire', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    resetRuntimeState();
  });

  for (const [what, init] of replies) {
    it(`is the SDK's binary-mode message, for ${what}`, async () => {
      server = await startServer(cloudEvent(() => init as never));
      const response = await fetch(`http://127.0.0.1:${server.port}/`, {
        method: 'POST',
        headers: incoming,
        body: '{"n":1}',
      });
      expect(response.status).toBe(200);
      const body = Buffer.from(await response.arrayBuffer());
      const expected = sdkBinary(init);
      const ceHeaders = Object.fromEntries(
        [...response.headers].filter(([name]) => name.startsWith('ce-') || name === 'content-type'),
      );
      expect(ceHeaders).toEqual(expected.headers);
      expect(body).toEqual(expected.body);
      expect(response.headers.get('content-length')).toBe(String(expected.body.byteLength));
    });
  }

  it('draws an id and a time for a reply without them, as the SDK does, and sends no body for no data', async () => {
    server = await startServer(cloudEvent(() => ({ type: 'com.example.reply', source: '/orders' })));
    const response = await fetch(`http://127.0.0.1:${server.port}/`, {
      method: 'POST',
      headers: incoming,
      body: '{}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('ce-id')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(Number.isNaN(Date.parse(response.headers.get('ce-time') ?? ''))).toBe(false);
    expect(response.headers.get('ce-specversion')).toBe('1.0');
    expect(response.headers.get('content-type')).toBeNull();
    expect(response.headers.get('content-length')).toBe('0');
    expect(await response.text()).toBe('');
  });
});
