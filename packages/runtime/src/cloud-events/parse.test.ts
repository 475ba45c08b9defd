import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { EventInvalidError } from '../errors.ts';
import { parseCloudEvent, type EventHeaders } from './parse.ts';

const binary = { 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'ce-specversion': '1.0' };
const structured = { 'content-type': 'application/cloudevents+json' };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const problemsOf = (headers: EventHeaders, body: Buffer): readonly string[] => {
  try {
    parseCloudEvent(headers, body);
  } catch (error) {
    if (error instanceof EventInvalidError) return error.problems;
    throw error;
  }
  throw new Error('expected the event to be rejected');
};

describe('CloudEvents 1.0 parsing', () => {
  it('keeps text data as a string and other media types as bytes', () => {
    expect(parseCloudEvent({ ...binary, 'content-type': 'text/plain' }, Buffer.from('héllo')).data).toBe(
      'héllo',
    );
    const bytes = parseCloudEvent(
      { ...binary, 'content-type': 'application/octet-stream' },
      Buffer.from([1, 2]),
    );
    expect(bytes.data).toEqual(new Uint8Array([1, 2]));
  });

  it('decodes data_base64 in structured mode', () => {
    const event = parseCloudEvent(
      structured,
      json({ specversion: '1.0', id: '1', source: '/s', type: 't', data_base64: 'AQI=' }),
    );
    expect(Buffer.from(event.data as Uint8Array)).toEqual(Buffer.from([1, 2]));
  });

  it('rejects what the SDK would fill in or let through', () => {
    expect(
      problemsOf({ 'ce-source': '/s', 'ce-type': 't', 'ce-specversion': '1.0' }, Buffer.alloc(0)),
    ).toEqual(['required attribute ce-id is missing']);
    expect(problemsOf({ ...binary, 'ce-time': 'yesterday' }, Buffer.alloc(0))).toEqual([
      'ce-time "yesterday" is not an RFC 3339 timestamp',
    ]);
    expect(problemsOf({ ...binary, 'ce-dataschema': 'not a uri' }, Buffer.alloc(0))[0]).toContain(
      'not an absolute URI',
    );
    expect(problemsOf({ ...binary, 'ce-source': 'has space' }, Buffer.alloc(0))[0]).toContain(
      'URI-reference',
    );
    expect(problemsOf({ ...binary, 'ce-my_ext': 'x' }, Buffer.alloc(0))[0]).toContain(
      'lower-case letters and digits',
    );
    expect(problemsOf({ ...binary, 'ce-datacontenttype': 'application/json' }, Buffer.alloc(0))[0]).toContain(
      'the Content-Type header carries it',
    );
    expect(problemsOf({ ...binary, 'ce-subject': '' }, Buffer.alloc(0))).toEqual([
      'ce-subject must not be empty when present',
    ]);
    expect(problemsOf({ ...binary, 'ce-type': '%E0%A4%A' }, Buffer.alloc(0))[0]).toContain('percent-encoded');
  });

  it('rejects structured events that break the JSON format', () => {
    const base = { specversion: '1.0', id: '1', source: '/s', type: 't' };
    expect(problemsOf(structured, json([base]))).toEqual(['the structured-mode body must be a JSON object']);
    expect(problemsOf(structured, json({ ...base, data: 1, data_base64: 'AQ==' }))).toEqual([
      '"data" and "data_base64" are mutually exclusive',
    ]);
    expect(problemsOf(structured, json({ ...base, id: 7 }))).toEqual(['attribute "id" must be a string']);
    expect(problemsOf(structured, json({ ...base, nested: { a: 1 } }))[0]).toContain('not an object');
    expect(problemsOf(structured, json({ ...base, ratio: 0.5 }))[0]).toContain('not a 32-bit integer');
    expect(problemsOf(structured, json({ ...base, specversion: '1.1', id: '' }))).toEqual([
      'required attribute "id" is empty',
      'specversion "1.1" is not supported; only "1.0" is',
    ]);
    expect(problemsOf({ 'content-type': 'application/cloudevents-batch+json' }, json([base]))[0]).toContain(
      'batched mode',
    );
    expect(problemsOf({ 'content-type': 'application/cloudevents+avro' }, Buffer.alloc(1))[0]).toContain(
      'not supported',
    );
  });

  // Found by the reliability suite's fuzzer (seed 20261125, cases 13043 and 16664): a lone
  // continuation byte decoded leniently became U+FFFD inside a JSON string, and the event ran.
  it('rejects JSON data that is not valid UTF-8 instead of decoding it with replacement characters', () => {
    const withJson = { ...binary, 'content-type': 'application/json' };
    for (const body of [
      Buffer.from('226f70656ea022', 'hex'), // "open<A0>"
      Buffer.from('226f70656ea422', 'hex'), // "open<A4>"
      Buffer.from('7b2261223a22ff227d', 'hex'), // {"a":"<FF>"}
    ]) {
      expect(problemsOf(withJson, body)[0]).toMatch(/^the body is not valid JSON .*not valid UTF-8/);
      expect(problemsOf({ ...binary, 'content-type': 'application/vnd.x+json' }, body)).toHaveLength(1);
    }
    const broken = Buffer.concat([
      Buffer.from('{"specversion":"1.0","id":"1","source":"/s","type":"t","data":"'),
      Buffer.from([0xa0]),
      Buffer.from('"}'),
    ]);
    expect(problemsOf(structured, broken)[0]).toMatch(/^the structured-mode body is not valid JSON .*UTF-8/);
    // Valid multi-byte UTF-8 still parses; a BOM is still refused, as before.
    expect(parseCloudEvent(withJson, Buffer.from('"héllo"')).data).toBe('héllo');
    expect(problemsOf(withJson, Buffer.from('\ufeff{}'))[0]).toContain('not valid JSON');
  });

  // The fuzzer's cases 50335 (`null` under a JSON content type) and 73537 (a complete structured
  // event) are valid events its noise happened to complete; they run the handler, as they must.
  it('accepts the JSON value null as binary-mode data and a complete structured event', () => {
    const nullData = parseCloudEvent(
      { ...binary, 'content-type': 'application/vnd.x+json' },
      Buffer.from('null'),
    );
    expect(nullData.data).toBeNull();
    const whole = parseCloudEvent(
      { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      json({
        id: 'id-618824773',
        source: '/fuzz/811',
        type: 'dev.thaw.fuzz',
        specversion: '1.0',
        data: { n: 64 },
      }),
    );
    expect(whole.data).toEqual({ n: 64 });
  });

  it('treats a null attribute in structured mode as absent', () => {
    const event = parseCloudEvent(
      structured,
      json({ specversion: '1.0', id: '1', source: '/s', type: 't', subject: null }),
    );
    expect('subject' in event).toBe(false);
  });

  // The handler parses `rawHeaders`; it must read them as Node's `request.headers` has them. Each
  // request is sent byte for byte (names in any case, repeats) to a real node:http server.
  it('reads rawHeaders as request.headers has them: any case, repeated ce-* joined, the first Content-Type', async () => {
    const requests: Array<[string, string]> = [
      [
        'CE-ID: 1\r\nCe-Source: /s\r\nce-type: t\r\nce-SpecVersion: 1.0\r\nCe-Tenant: a\r\nce-tenant: b\r\n' +
          'Content-Type: application/json\r\ncontent-type: text/plain\r\nCE-Partition: p%20q\r\n',
        '{"n":1}',
      ],
      ['Content-Type: text/plain\r\n', 'hello'],
      ['ce-id: 1\r\nce-source: /s\r\nce-type: t\r\nce-specversion: 1.0\r\nce-My_Ext: x\r\nCE-: y\r\n', ''],
      ['ce-id: 1\r\nce-source: /s\r\nCe-Type: %E0%A4%A\r\nce-specversion: 0.3\r\nce-data: z\r\n', ''],
      [
        'Content-Type: application/cloudevents+json\r\n',
        JSON.stringify({ specversion: '1.0', id: '1', source: '/s', type: 't', data: 2 }),
      ],
      ['ce-id: 1\r\nce-source: /s\r\nce-type: t\r\nce-specversion: 1.0\r\nContent-Type: image/png\r\n', 'ab'],
    ];
    const received: IncomingMessage[] = [];
    const server = createServer((request, response) => {
      received.push(request);
      request.resume();
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      for (const [headers, body] of requests) {
        await new Promise<void>((resolve, reject) => {
          const socket = connect(port, '127.0.0.1');
          socket.on('error', reject);
          socket.on('data', () => socket.end());
          socket.on('close', () => {
            resolve();
          });
          socket.write(
            `POST / HTTP/1.1\r\nHost: x\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
          );
        });
      }
    } finally {
      server.close();
    }
    expect(received).toHaveLength(requests.length);
    const outcome = (headers: EventHeaders, body: Buffer): unknown => {
      try {
        return { event: parseCloudEvent(headers, body) };
      } catch (error) {
        if (error instanceof EventInvalidError) return { problems: error.problems };
        throw error;
      }
    };
    for (const [index, request] of received.entries()) {
      const body = Buffer.from(requests[index]![1]);
      const fromRaw = outcome(request.rawHeaders, body);
      expect(fromRaw).toEqual(outcome(request.headers, body));
      // Same attributes in the same order (a handler may serialise the event).
      expect(JSON.stringify(fromRaw)).toBe(JSON.stringify(outcome(request.headers, body)));
    }
    expect(outcome(received[0]!.rawHeaders, Buffer.from('{"n":1}'))).toEqual({
      event: {
        id: '1',
        source: '/s',
        type: 't',
        specversion: '1.0',
        tenant: 'a, b',
        partition: 'p q',
        datacontenttype: 'application/json',
        data: { n: 1 },
      },
    });
  });
});
