import { describe, expect, it } from 'vitest';
import { exportedFixtureRun } from '../support/exported-fixture-run.ts';

const ns = (ms: number): bigint => BigInt(Math.round(ms * 1e6));

describe('tracing with thaw’s own SDK, exported to a real OTLP/HTTP endpoint', () => {
  const traced = exportedFixtureRun('deferred-sdk.ts', (url) => ({
    THAW_OTEL: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    K_SERVICE: 'orders',
    K_REVISION: 'orders-00001',
    HOSTNAME: 'orders-00001-deployment-7d9f',
  }));

  it('loads no OpenTelemetry package until after the first response', () => {
    const { run } = traced;
    expect(run.code).toBe(0);
    expect(run.result['afterInstall']).toEqual([]);
    expect(run.result['afterReadyHooks']).toEqual([]);
    expect(run.result['loaded']).toBe(true);
    expect(run.result['sdkResolvedMs']).toBeGreaterThan(run.result['firstResponseMs'] as number);
  });

  it('starts the light SDK path: @opentelemetry/sdk-node is never loaded', () => {
    const { run } = traced;
    expect(run.result['sdkNodeResolvedMs']).toBeNull();
  });

  it('sends JSON over OTLP/HTTP with the Knative service as resource', () => {
    const { collector, spans } = traced;
    expect(collector.contentTypes.length).toBeGreaterThan(0);
    expect(collector.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);
    const resource = spans[0]?.resource;
    expect(resource).toMatchObject({
      'service.name': 'orders',
      'service.version': 'orders-00001',
      'faas.name': 'orders',
      'faas.version': 'orders-00001',
      'faas.instance': 'orders-00001-deployment-7d9f',
      'process.runtime.name': 'nodejs',
    });
  });

  it('replays the startup as one cold start root, backdated to process start, with phase children', () => {
    const { run, spans } = traced;
    const roots = spans.filter((span) => span.name === 'cold start');
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.parentSpanId).toBeUndefined();
    const timeOrigin = run.result['timeOrigin'] as number;
    // Starts at process start, long before the SDK was even imported.
    expect(Number(root.startNs - ns(timeOrigin))).toBeLessThan(1e6);
    expect(root.startNs).toBeLessThan(ns(timeOrigin + (run.result['sdkResolvedMs'] as number)));
    expect(root.attributes).toMatchObject({
      'faas.coldstart': true,
      'thaw.replayed': true,
      'thaw.tracing.sdk': 'light',
    });

    const children = spans.filter((span) => span.parentSpanId === root.spanId);
    expect(children.every((child) => child.traceId === root.traceId)).toBe(true);
    const names = children.map((child) => child.name);
    for (const name of [
      'node: v8 start',
      'node: bootstrap complete',
      'module load',
      'init: config',
      'listening',
      'ready',
      'first request',
      'first response',
      'tracing sdk load',
    ]) {
      expect(names).toContain(name);
    }
    const init = children.find((child) => child.name === 'init: config')!;
    expect(init.attributes).toMatchObject({ 'thaw.init.outcome': 'ready', 'thaw.init.attempts': 2 });
    expect(Number(init.endNs - init.startNs)).toBeGreaterThan(10e6);
    const ready = children.find((child) => child.name === 'ready')!;
    const sdkLoad = children.find((child) => child.name === 'tracing sdk load')!;
    const firstResponse = children.find((child) => child.name === 'first response')!;
    expect(ready.endNs).toBeLessThan(sdkLoad.startNs);
    expect(firstResponse.endNs).toBeLessThanOrEqual(sdkLoad.startNs);
    expect(root.endNs).toBeGreaterThanOrEqual(sdkLoad.endNs);
  });

  it('replays the first invocation as a SERVER span under the incoming traceparent, linked from the cold start', () => {
    const { run, spans } = traced;
    const first = spans.find((span) => span.attributes['faas.invocation_id'] === 'req-1')!;
    expect(first).toBeDefined();
    expect(first.kind).toBe(2);
    expect(first.name).toBe('POST');
    expect(first.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(first.parentSpanId).toBe('b7ad6b7169203331');
    expect(first.attributes).toMatchObject({
      'faas.coldstart': true,
      'faas.trigger': 'http',
      'http.request.method': 'POST',
      'url.path': '/orders',
      'url.query': 'id=7',
      'user_agent.original': 'fixture/1',
      'http.response.status_code': 200,
      'thaw.replayed': true,
    });
    const root = spans.find((span) => span.name === 'cold start')!;
    expect(root.links).toEqual([{ traceId: first.traceId, spanId: first.spanId }]);
    const timeOrigin = run.result['timeOrigin'] as number;
    expect(first.endNs).toBeLessThan(ns(timeOrigin + (run.result['sdkResolvedMs'] as number)));
    expect(Number(first.endNs - first.startNs)).toBeGreaterThanOrEqual(9e6);
  });

  it('traces later invocations live, with spans made inside them nested under them', () => {
    const { spans } = traced;
    const event = spans.find((span) => span.attributes['faas.invocation_id'] === 'event-2')!;
    expect(event.name).toBe('process order.created');
    expect(event.attributes).toMatchObject({
      'faas.coldstart': false,
      'faas.trigger': 'pubsub',
      'cloudevents.event_id': 'event-2',
      'cloudevents.event_type': 'order.created',
      'cloudevents.event_source': '/orders',
      'http.response.status_code': 202,
    });
    expect(event.attributes['thaw.replayed']).toBeUndefined();
    const child = spans.find((span) => span.name === 'db query')!;
    expect(child.parentSpanId).toBe(event.spanId);
    expect(child.traceId).toBe(event.traceId);
  });

  it('exports the failed invocation recorded just before shutdown, and gives the error back to the caller', () => {
    const { run, spans } = traced;
    expect(run.result['rethrown']).toBe(true);
    const last = spans.find((span) => span.attributes['faas.invocation_id'] === 'req-3')!;
    expect(last).toBeDefined();
    expect(last.statusCode).toBe(2);
    expect(last.attributes).toMatchObject({ 'error.type': 'TypeError', 'http.response.status_code': 500 });
  });
});
