import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeServer, get, startFixture, type FixtureProcess } from '../support/fixture-process.ts';
import { startOtlpCollector, type OtlpCollector } from './otlp-collector.ts';

const incomingTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
const incomingParent = '00f067aa0ba902b7';
const traceparentPattern = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

function event(id: string, extra: Record<string, string> = {}) {
  return {
    method: 'POST',
    headers: {
      'ce-id': id,
      'ce-source': '/shop',
      'ce-type': 'order.created',
      'ce-specversion': '1.0',
      'content-type': 'application/json',
      ...extra,
    },
    body: JSON.stringify({ id }),
  };
}

async function startSink(): Promise<{ server: Server; url: string; received: IncomingHttpHeaders[] }> {
  const received: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.headers);
      res.writeHead(202, { connection: 'close' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}/`, received };
}

describe('publish() and CloudEvents replies carry the invocation’s trace context', () => {
  let fixture: FixtureProcess | undefined;
  let sink: Server | undefined;
  let collector: OtlpCollector | undefined;
  afterEach(async () => {
    await fixture?.stop();
    await closeServer(sink);
    await collector?.close();
    fixture = undefined;
    sink = undefined;
    collector = undefined;
  });

  it('with tracing on, both name the invocation’s exported span as parent, for the buffered first invocation and a live later one', async () => {
    collector = await startOtlpCollector();
    const started = await startSink();
    sink = started.server;
    fixture = startFixture('traced-events', {
      env: {
        THAW_OTEL: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        K_SINK: started.url,
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
    });
    const port = await fixture.port;
    const first = await get(
      port,
      '/',
      event('e-1', { traceparent: `00-${incomingTrace}-${incomingParent}-01`, tracestate: 'shop=1' }),
    );
    expect(first.status).toBe(200);
    // The second one arrives once the SDK has loaded (after the first response): a live span.
    await waitFor(() => collector!.spans.some((span) => span.attributes['faas.invocation_id'] === 'e-1'));
    const second = await get(port, '/', event('e-2'));
    expect(second.status).toBe(200);
    fixture.child.kill('SIGTERM');
    expect((await fixture.exited).code).toBe(0);

    const spanOf = (id: string) => {
      const span = collector!.spans.find((s) => s.attributes['faas.invocation_id'] === id);
      expect(span, `the span of ${id}`).toBeDefined();
      return span!;
    };
    const one = spanOf('e-1');
    expect(one.attributes['thaw.replayed']).toBe(true);
    expect(one.traceId).toBe(incomingTrace);
    expect(one.parentSpanId).toBe(incomingParent);
    const two = spanOf('e-2');
    expect(two.attributes['thaw.replayed']).toBeUndefined();
    expect(two.parentSpanId).toBeUndefined();

    const expected = (span: { traceId: string; spanId: string }) => `00-${span.traceId}-${span.spanId}-01`;
    expect(started.received.map((headers) => headers['ce-subject'])).toEqual(['e-1', 'e-2']);
    expect(started.received[0]?.['traceparent']).toBe(expected(one));
    expect(started.received[0]?.['tracestate']).toBe('shop=1');
    expect(first.headers['traceparent']).toBe(expected(one));
    expect(first.headers['tracestate']).toBe('shop=1');
    expect(started.received[1]?.['traceparent']).toBe(expected(two));
    expect(second.headers['traceparent']).toBe(expected(two));
    expect(second.headers['tracestate']).toBeUndefined();
    expect(expected(two)).toMatch(traceparentPattern);
  });

  it('with tracing off, neither carries a trace context, not even the caller’s', async () => {
    const started = await startSink();
    sink = started.server;
    fixture = startFixture('traced-events', { env: { K_SINK: started.url } });
    const port = await fixture.port;
    const reply = await get(
      port,
      '/',
      event('e-1', { traceparent: `00-${incomingTrace}-${incomingParent}-01` }),
    );
    expect(reply.status).toBe(200);
    expect(reply.headers['ce-type']).toBe('order.replied');
    expect(reply.headers['traceparent']).toBeUndefined();
    expect(started.received).toHaveLength(1);
    expect(started.received[0]?.['traceparent']).toBeUndefined();
    expect(started.received[0]?.['tracestate']).toBeUndefined();
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the condition.');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
