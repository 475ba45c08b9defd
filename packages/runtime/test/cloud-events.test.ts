import { afterEach, describe, expect, it } from 'vitest';
import { cloudEvent, type ReceivedCloudEvent } from '../src/index.ts';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

const binaryHeaders = {
  'ce-id': 'evt-1',
  'ce-source': '/orders',
  'ce-type': 'com.example.order.placed',
  'ce-specversion': '1.0',
  'content-type': 'application/json',
};

describe('CloudEvents handler', () => {
  let server: TestServer | undefined;
  const received: ReceivedCloudEvent[] = [];
  afterEach(async () => {
    await server?.handle.close();
    server = undefined;
    received.length = 0;
    resetRuntimeState();
  });

  const start = async (reply?: (event: ReceivedCloudEvent) => Record<string, unknown>): Promise<number> => {
    server = await startServer(
      cloudEvent((event, ctx) => {
        received.push(event);
        expect(ctx.invocationId).toBe(event.id);
        return reply?.(event) as never;
      }),
    );
    return server.port;
  };

  it('accepts a binary-mode event, parses its JSON data and answers 204 when nothing is returned', async () => {
    const port = await start();
    const response = await get(port, '/', {
      method: 'POST',
      headers: { ...binaryHeaders, 'ce-subject': 'order%20%E2%9C%93', 'ce-tenant': 'acme' },
      body: JSON.stringify({ orderId: 42 }),
    });
    expect(response.status).toBe(204);
    expect(received).toEqual([
      {
        id: 'evt-1',
        source: '/orders',
        type: 'com.example.order.placed',
        specversion: '1.0',
        datacontenttype: 'application/json',
        subject: 'order ✓',
        tenant: 'acme',
        data: { orderId: 42 },
      },
    ]);
  });

  it('accepts a structured-mode event', async () => {
    const port = await start();
    const event = {
      specversion: '1.0',
      id: 'evt-2',
      source: 'https://example.com/orders',
      type: 'com.example.order.placed',
      time: '2026-01-02T03:04:05.678Z',
      priority: 3,
      data: { orderId: 7 },
    };
    const response = await get(port, '/', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
      body: JSON.stringify(event),
    });
    expect(response.status).toBe(204);
    expect(received).toEqual([event]);
  });

  it('turns a returned event into a binary-mode reply', async () => {
    const port = await start((event) => ({
      type: 'com.example.order.checked',
      source: '/risk',
      subject: event.id,
      data: { risk: 'low' },
    }));
    const response = await get(port, '/', { method: 'POST', headers: binaryHeaders, body: '{"orderId":1}' });
    expect(response.status).toBe(200);
    expect(response.headers['ce-type']).toBe('com.example.order.checked');
    expect(response.headers['ce-source']).toBe('/risk');
    expect(response.headers['ce-subject']).toBe('evt-1');
    expect(response.headers['ce-specversion']).toBe('1.0');
    expect(response.headers['ce-id']).toMatch(/\S/);
    expect(response.headers['content-type']).toContain('application/json');
    expect(JSON.parse(response.body)).toEqual({ risk: 'low' });
  });

  const malformed: Array<[string, Record<string, string>, string, RegExp]> = [
    [
      'a binary event without ce-id',
      { ...binaryHeaders, 'ce-id': '' },
      '{}',
      /required attribute ce-id is (missing|empty)/,
    ],
    [
      'a binary event whose JSON body does not parse',
      binaryHeaders,
      '{"orderId":',
      /the body is not valid JSON/,
    ],
    [
      'a request that is neither binary nor structured',
      { 'content-type': 'text/plain' },
      'hello',
      /no ce-\* headers \(binary mode\) and its Content-Type is "text\/plain"/,
    ],
    [
      'an event with specversion 0.3',
      { ...binaryHeaders, 'ce-specversion': '0.3' },
      '{}',
      /specversion "0.3" is not supported; only "1.0" is/,
    ],
    [
      'a structured event whose body is not JSON',
      { 'content-type': 'application/cloudevents+json' },
      '{"id":',
      /structured-mode body is not valid JSON/,
    ],
    [
      'a structured event without specversion',
      { 'content-type': 'application/cloudevents+json' },
      JSON.stringify({ id: '1', source: '/s', type: 't' }),
      /required attribute "specversion" is missing/,
    ],
  ];

  for (const [what, headers, body, problem] of malformed) {
    it(`answers 400 naming the problem, without calling the handler, for ${what}`, async () => {
      const port = await start();
      const response = await get(port, '/', { method: 'POST', headers, body });
      expect(response.status).toBe(400);
      const answer = JSON.parse(response.body) as { error: string; problems: string[] };
      expect(answer.error).toBe('THAW_EVENT_INVALID');
      expect(answer.problems.join('\n')).toMatch(problem);
      expect(received).toEqual([]);
    });
  }

  it('answers 405 to a method other than POST', async () => {
    const port = await start();
    const response = await get(port, '/', { headers: binaryHeaders });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(received).toEqual([]);
  });
});
