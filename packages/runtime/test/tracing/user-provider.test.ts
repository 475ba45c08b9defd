import { describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { runFixture } from './run-fixture.ts';

interface FixtureSpan {
  name: string;
  kind: number;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  scope: string;
  attributes: Record<string, unknown>;
  links: string[];
  startMs: number;
}

describe('tracing with a tracer provider the application registered', () => {
  it('uses that provider: a live SERVER span per invocation with the pg span inside it, the cold start replayed, the provider left running', async () => {
    const run = await runFixture('user-provider.ts', { DATABASE_URL: services.postgresUrl });
    expect(run.code).toBe(0);
    expect(run.result['status']).toBe(200);
    const spans = run.result['spans'] as FixtureSpan[];

    const server = spans.find((span) => span.attributes['faas.invocation_id'] === 'req-1')!;
    expect(server).toBeDefined();
    expect(server.scope).toBe('@thaw/runtime');
    expect(server.kind).toBe(1); // SERVER in the API's SpanKind
    expect(server.attributes).toMatchObject({
      'faas.coldstart': true,
      'faas.trigger': 'http',
      'url.path': '/db',
    });
    expect(server.attributes['thaw.replayed']).toBeUndefined();

    const query = spans.find(
      (span) => span.scope.includes('instrumentation-pg') && span.name.includes('SELECT'),
    );
    expect(query, JSON.stringify(spans.map((span) => [span.name, span.scope]))).toBeDefined();
    expect(query!.parentSpanId).toBe(server.spanId);
    expect(query!.traceId).toBe(server.traceId);

    const root = spans.find((span) => span.name === 'cold start')!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.links).toEqual([server.spanId]);
    expect(Math.abs(root.startMs - (run.result['timeOrigin'] as number))).toBeLessThan(1);
    const children = spans.filter((span) => span.parentSpanId === root.spanId).map((span) => span.name);
    expect(children).toEqual(
      expect.arrayContaining(['ready', 'first request', 'first response', 'module load']),
    );
    // No SDK was loaded by thaw here, so there is no SDK-load phase.
    expect(children).not.toContain('tracing sdk load');

    expect(spans.some((span) => span.name === 'after flush')).toBe(true);
  });
});
