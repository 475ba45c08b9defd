import { describe, expect, it } from 'vitest';
import { EventInvalidError } from '../errors.ts';
import { parseCloudEvent } from './parse.ts';

const binary = { 'ce-id': '1', 'ce-source': '/s', 'ce-type': 't', 'ce-specversion': '1.0' };
const structured = { 'content-type': 'application/cloudevents+json' };
const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));
const problemsOf = (headers: Record<string, string>, body: Buffer): readonly string[] => {
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

  it('treats a null attribute in structured mode as absent', () => {
    const event = parseCloudEvent(
      structured,
      json({ specversion: '1.0', id: '1', source: '/s', type: 't', subject: null }),
    );
    expect('subject' in event).toBe(false);
  });
});
