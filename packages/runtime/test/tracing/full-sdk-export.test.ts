import { describe, expect, it } from 'vitest';
import { exportedFixtureRun } from '../support/exported-fixture-run.ts';

describe('tracing with the full @opentelemetry/sdk-node, when an OTEL_* variable asks for what only it provides', () => {
  const traced = exportedFixtureRun('deferred-sdk.ts', (url) => ({
    THAW_OTEL: '1',
    OTEL_EXPORTER_OTLP_ENDPOINT: url,
    // B3 is a propagator only sdk-node sets up.
    OTEL_PROPAGATORS: 'tracecontext,baggage,b3',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging',
    K_SERVICE: 'orders',
    K_REVISION: 'orders-00001',
  }));

  it('loads @opentelemetry/sdk-node, after the first response', () => {
    const { run } = traced;
    expect(run.code).toBe(0);
    expect(run.result['afterReadyHooks']).toEqual([]);
    expect(run.result['sdkNodeResolvedMs']).toBeGreaterThan(run.result['firstResponseMs'] as number);
  });

  it('exports the cold start, the replayed first invocation and live ones over OTLP/HTTP JSON', () => {
    const { collector, spans } = traced;
    expect(collector.contentTypes.every((type) => type.startsWith('application/json'))).toBe(true);
    const roots = spans.filter((span) => span.name === 'cold start');
    expect(roots).toHaveLength(1);
    expect(roots[0]!.attributes['thaw.tracing.sdk']).toBe('full');
    const first = spans.find((span) => span.attributes['faas.invocation_id'] === 'req-1')!;
    expect(first.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(first.parentSpanId).toBe('b7ad6b7169203331');
    const event = spans.find((span) => span.attributes['faas.invocation_id'] === 'event-2')!;
    expect(spans.find((span) => span.name === 'db query')?.parentSpanId).toBe(event.spanId);
    expect(spans.find((span) => span.attributes['faas.invocation_id'] === 'req-3')).toBeDefined();
    expect(first.resource).toMatchObject({
      'service.name': 'orders',
      'faas.version': 'orders-00001',
      'deployment.environment.name': 'staging',
    });
  });
});
