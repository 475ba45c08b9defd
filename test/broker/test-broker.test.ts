import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TestBroker } from '../support/broker/test-broker.ts';

/** A subscriber that answers each request with the next status of `script` (the last one repeats). */
interface Subscriber {
  readonly url: string;
  readonly received: Array<{ headers: IncomingHttpHeaders; body: string; at: number }>;
  close(): Promise<void>;
}

const servers: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
});

async function subscriber(
  answer: (
    index: number,
    headers: IncomingHttpHeaders,
  ) => { status: number; headers?: Record<string, string>; body?: string; delayMs?: number },
): Promise<Subscriber> {
  const received: Subscriber['received'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() });
      const reply = answer(received.length - 1, req.headers);
      const send = (): void => {
        if (res.destroyed) return;
        res.writeHead(reply.status, reply.headers ?? {}).end(reply.body);
      };
      if (reply.delayMs === undefined) send();
      else setTimeout(send, reply.delayMs).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
  servers.push(handle);
  return handle;
}

const yaml = (triggers: string[], broker = ''): string[] =>
  [broker, ...triggers].filter((text) => text !== '');
const trigger = (name: string, filter: Record<string, string>, delivery = ''): string => `
apiVersion: eventing.knative.dev/v1
kind: Trigger
metadata:
  name: ${name}
spec:
  broker: default
  filter:
    attributes:
${Object.entries(filter)
  .map(([k, v]) => `      ${k}: ${v}`)
  .join('\n')}
  subscriber:
    ref:
      apiVersion: serving.knative.dev/v1
      kind: Service
      name: ${name}
${delivery}`;
const retrying = (retry: number, policy: string, delay: string, timeout = ''): string => `  delivery:
    retry: ${retry}
    backoffPolicy: ${policy}
    backoffDelay: ${delay}
${timeout === '' ? '' : `    timeout: ${timeout}\n`}    deadLetterSink:
      ref:
        apiVersion: serving.knative.dev/v1
        kind: Service
        name: dls`;

async function start(
  manifests: string[],
  services: Record<string, string>,
  timeScale = 1,
): Promise<TestBroker> {
  const broker = await TestBroker.start({ manifests, services, timeScale });
  servers.push(broker);
  return broker;
}

const binary = (id: string, type: string, extra: Record<string, string> = {}) => ({
  method: 'POST',
  headers: {
    'ce-specversion': '1.0',
    'ce-id': id,
    'ce-source': '/test',
    'ce-type': type,
    'content-type': 'application/json',
    ...extra,
  },
  body: JSON.stringify({ id }),
});

describe('the test broker', () => {
  it('accepts binary and structured events at its ingress with 202, sets knativearrivaltime, and fans out by exact filters', async () => {
    const a = await subscriber(() => ({ status: 202 }));
    const b = await subscriber(() => ({ status: 202 }));
    const broker = await start(
      yaml([trigger('a', { type: 'order.created' }), trigger('b', { type: 'order.created', region: 'eu' })]),
      {
        a: a.url,
        b: b.url,
      },
    );
    expect((await fetch(broker.ingressUrl(), binary('1', 'order.created'))).status).toBe(202);
    const structured = await fetch(broker.ingressUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({
        specversion: '1.0',
        id: '2',
        source: '/test',
        type: 'order.created',
        region: 'eu',
        datacontenttype: 'application/json',
        data: { n: 2 },
      }),
    });
    expect(structured.status).toBe(202);
    expect((await fetch(broker.ingressUrl(), binary('3', 'order.shipped'))).status).toBe(202);
    await broker.settled();
    expect(a.received.map((r) => r.headers['ce-id'])).toEqual(['1', '2']);
    expect(b.received.map((r) => r.headers['ce-id'])).toEqual(['2']);
    const delivered = b.received[0]!;
    expect(delivered.headers['ce-region']).toBe('eu');
    expect(delivered.headers['content-type']).toBe('application/json');
    expect(JSON.parse(delivered.body)).toEqual({ n: 2 });
    expect(delivered.headers['prefer']).toBe('reply');
    expect(Date.parse(delivered.headers['ce-knativearrivaltime'] as string)).toBeGreaterThan(
      Date.now() - 60_000,
    );
    expect(broker.accepted.map((e) => e.event.attributes['id'])).toEqual(['1', '2', '3']);
  });

  it('answers 400 to a request that is not a CloudEvent, 404 for an unknown broker, 405 for a GET', async () => {
    const broker = await start(yaml([trigger('a', { type: 'x' })]), { a: 'http://127.0.0.1:9/' });
    const missing = binary('1', 'x');
    delete (missing.headers as Record<string, string>)['ce-source'];
    const invalid = await fetch(broker.ingressUrl(), missing);
    expect(invalid.status).toBe(400);
    expect(await invalid.text()).toContain('no source');
    expect((await fetch(broker.ingressUrl('other'), binary('1', 'x'))).status).toBe(404);
    expect((await fetch(broker.ingressUrl(), { method: 'GET' })).status).toBe(405);
    expect(broker.accepted).toHaveLength(0);
  });

  it('retries a 503 with exponential backoff and stops at the first 2xx', async () => {
    const s = await subscriber((index) => ({ status: index < 2 ? 503 : 200 }));
    const broker = await start(yaml([trigger('s', { type: 'x' }, retrying(5, 'exponential', 'PT0.1S'))]), {
      s: s.url,
      dls: 'http://127.0.0.1:9/',
    });
    await fetch(broker.ingressUrl(), binary('1', 'x'));
    await broker.settled();
    const [delivery] = broker.deliveries;
    expect(delivery?.outcome).toBe('delivered');
    expect(delivery?.attempts.map((a) => a.result)).toEqual([
      { status: 503 },
      { status: 503 },
      { status: 200 },
    ]);
    expect(delivery?.attempts.map((a) => a.plannedWaitMs)).toEqual([0, 100, 200]);
    const gaps = s.received.slice(1).map((r, i) => r.at - s.received[i]!.at);
    expect(gaps[0]).toBeGreaterThanOrEqual(95);
    expect(gaps[1]).toBeGreaterThanOrEqual(195);
  });

  it('sends a 400 straight to the dead-letter sink, once, with Knative’s error attributes', async () => {
    const s = await subscriber(() => ({ status: 400, body: 'bad field' }));
    const dls = await subscriber(() => ({ status: 202 }));
    const broker = await start(yaml([trigger('s', { type: 'x' }, retrying(5, 'exponential', 'PT0.1S'))]), {
      s: s.url,
      dls: dls.url,
    });
    await fetch(broker.ingressUrl(), binary('1', 'x'));
    await broker.settled();
    expect(s.received).toHaveLength(1);
    expect(broker.deliveries[0]?.outcome).toBe('dead-lettered');
    expect(dls.received).toHaveLength(1);
    const dead = dls.received[0]!.headers;
    expect(dead['ce-id']).toBe('1');
    expect(dead['ce-knativeerrordest']).toBe(s.url);
    expect(dead['ce-knativeerrorcode']).toBe('400');
    expect(Buffer.from(dead['ce-knativeerrordata'] as string, 'base64').toString()).toBe('bad field');
  });

  it('retries every failure up to retry times (linear), timeouts included, then dead-letters the event', async () => {
    const s = await subscriber((index) => (index === 0 ? { status: 200, delayMs: 2_000 } : { status: 500 }));
    const dls = await subscriber(() => ({ status: 200 }));
    const broker = await start(
      yaml([trigger('s', { type: 'x' }, retrying(3, 'linear', 'PT0.05S', 'PT0.3S'))]),
      { s: s.url, dls: dls.url },
    );
    await fetch(broker.ingressUrl(), binary('1', 'x'));
    await broker.settled();
    const [delivery] = broker.deliveries;
    expect(delivery?.attempts.map((a) => a.result)).toEqual([
      { failure: 'timeout' },
      { status: 500 },
      { status: 500 },
      { status: 500 },
    ]);
    expect(delivery?.attempts.map((a) => a.plannedWaitMs)).toEqual([0, 0, 50, 100]);
    expect(delivery?.outcome).toBe('dead-lettered');
    expect(dls.received[0]?.headers['ce-knativeerrorcode']).toBe('500');
  });

  it('drops an event that fails without a dead-letter sink, and says so', async () => {
    const broker = await start(yaml([trigger('s', { type: 'x' })]), { s: 'http://127.0.0.1:9/' });
    await fetch(broker.ingressUrl(), binary('1', 'x'));
    await broker.settled();
    expect(broker.deliveries[0]).toMatchObject({
      outcome: 'dropped',
      attempts: [{ result: { failure: 'connection' } }],
    });
  });

  it('sends a subscriber’s reply event back into the broker with the reply’s trace context, where Triggers route it again', async () => {
    const first = await subscriber(() => ({
      status: 200,
      headers: {
        'ce-specversion': '1.0',
        'ce-id': 'r-1',
        'ce-source': '/first',
        'ce-type': 'x.done',
        'content-type': 'text/plain',
        traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01',
      },
      body: 'done',
    }));
    const second = await subscriber(() => ({ status: 204 }));
    const broker = await start(
      yaml([trigger('first', { type: 'x' }), trigger('second', { type: 'x.done' })]),
      { first: first.url, second: second.url },
    );
    await fetch(
      broker.ingressUrl(),
      binary('1', 'x', { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000001-01' }),
    );
    await broker.settled();
    expect(first.received[0]?.headers['traceparent']).toBe(
      '00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000001-01',
    );
    expect(second.received).toHaveLength(1);
    expect(second.received[0]?.headers['ce-id']).toBe('r-1');
    expect(second.received[0]?.body).toBe('done');
    expect(second.received[0]?.headers['traceparent']).toBe(
      '00-4bf92f3577b34da6a3ce929d0e0e4736-1111111111111111-01',
    );
    expect(broker.accepted.map((a) => a.from)).toEqual(['ingress', 'reply']);
    expect(broker.deliveries.map((d) => d.outcome)).toEqual(['delivered', 'delivered']);
  });

  it('ends a reply loop through knativebrokerttl', async () => {
    let n = 0;
    const echo = await subscriber(() => ({
      status: 200,
      headers: { 'ce-specversion': '1.0', 'ce-id': `loop-${(n += 1)}`, 'ce-source': '/echo', 'ce-type': 'x' },
    }));
    const broker = await start(yaml([trigger('echo', { type: 'x' })]), { echo: echo.url });
    await fetch(broker.ingressUrl(), binary('0', 'x', { 'ce-knativebrokerttl': '3' }));
    await broker.settled();
    expect(echo.received.map((r) => r.headers['ce-knativebrokerttl'])).toEqual(['2', '1', '0']);
  });

  it('takes a Trigger’s delivery from its Broker when the Trigger has none', async () => {
    const s = await subscriber((index) => ({ status: index === 0 ? 429 : 200 }));
    const broker = await start(
      yaml(
        [trigger('s', { type: 'x' })],
        `apiVersion: eventing.knative.dev/v1
kind: Broker
metadata:
  name: default
spec:
  delivery:
    retry: 1
    backoffPolicy: exponential
    backoffDelay: PT0.01S`,
      ),
      { s: s.url },
    );
    await fetch(broker.ingressUrl(), binary('1', 'x'));
    await broker.settled();
    expect(broker.deliveries[0]?.attempts.map((a) => a.result)).toEqual([{ status: 429 }, { status: 200 }]);
  });
});
