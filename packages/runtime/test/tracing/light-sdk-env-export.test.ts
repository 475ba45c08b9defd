import { describe, expect, it } from 'vitest';
import { exportedFixtureRun } from '../support/exported-fixture-run.ts';

describe('the light SDK path reads the standard OTEL_* settings', () => {
  const traced = exportedFixtureRun('deferred-sdk.ts', (url) => ({
    THAW_OTEL: '1',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${url}/v1/traces`,
    OTEL_SERVICE_NAME: 'renamed',
    OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging',
    OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '3',
    OTEL_BSP_SCHEDULE_DELAY: '50',
    K_SERVICE: 'orders',
  }));

  it('stays on the light path for OTLP over HTTP/JSON named explicitly', () => {
    const { run, spans } = traced;
    expect(run.code).toBe(0);
    expect(run.result['sdkResolvedMs']).toBeGreaterThan(run.result['firstResponseMs'] as number);
    expect(run.result['sdkNodeResolvedMs']).toBeNull();
    expect(spans.length).toBeGreaterThan(0);
  });

  it('lets OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win over thaw’s attributes, as sdk-node does', () => {
    const { spans } = traced;
    expect(spans[0]!.resource).toMatchObject({
      'service.name': 'renamed',
      'faas.name': 'orders',
      'deployment.environment.name': 'staging',
      'process.runtime.name': 'nodejs',
    });
  });

  it('applies the span limits', () => {
    const { spans } = traced;
    const first = spans.find((span) => span.name === 'POST')!;
    expect(Object.keys(first.attributes).length).toBeLessThanOrEqual(3);
  });
});
