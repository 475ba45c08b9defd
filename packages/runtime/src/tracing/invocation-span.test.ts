import * as api from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import type { InvocationInfo } from '../lifecycle.ts';
import {
  endInvocationSpan,
  invocationAttributes,
  invocationSpanName,
  parentContext,
  parseTraceparent,
  startInvocationSpan,
} from './invocation-span.ts';

const info = (overrides: Partial<InvocationInfo> = {}): InvocationInfo => ({
  invocationId: 'id-1',
  coldStart: false,
  trigger: 'http',
  method: 'GET',
  target: '/',
  headers: {},
  ...overrides,
});

function tracer() {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  return { exporter, tracer: provider.getTracer('test') };
}

describe('invocation spans', () => {
  it('reads a W3C traceparent and rejects malformed or forbidden ones', () => {
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toEqual({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    });
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00')?.traceFlags).toBe(0);
    expect(parseTraceparent('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra')).toBeDefined();
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra')).toBeUndefined();
    expect(parseTraceparent('ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01')).toBeUndefined();
    expect(parseTraceparent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBeUndefined();
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01')).toBeUndefined();
    expect(parseTraceparent('not a traceparent')).toBeUndefined();
  });

  it('takes the parent from traceparent even when no propagator is registered', () => {
    const context = parentContext(
      api,
      info({ headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } }),
    );
    expect(api.trace.getSpanContext(context)).toMatchObject({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      isRemote: true,
    });
    expect(api.trace.getSpanContext(parentContext(api, info()))).toBeUndefined();
  });

  it('names HTTP spans by method and CloudEvent spans by event type', () => {
    expect(invocationSpanName(info({ method: 'POST' }))).toBe('POST');
    expect(
      invocationSpanName(info({ trigger: 'pubsub', method: 'POST', headers: { 'ce-type': 'a.b' } })),
    ).toBe('process a.b');
    expect(invocationSpanName(info({ trigger: 'pubsub', method: 'POST' }))).toBe('POST');
  });

  it('carries the FaaS, URL and CloudEvents attributes', () => {
    expect(
      invocationAttributes(
        info({
          coldStart: true,
          trigger: 'pubsub',
          target: '/events?x=1',
          headers: { 'ce-id': 'e1', 'ce-subject': 's', 'user-agent': ['ua', 'ignored'] },
        }),
      ),
    ).toEqual({
      'faas.coldstart': true,
      'faas.trigger': 'pubsub',
      'faas.invocation_id': 'id-1',
      'http.request.method': 'GET',
      'url.path': '/events',
      'url.query': 'x=1',
      'user_agent.original': 'ua',
      'cloudevents.event_id': 'e1',
      'cloudevents.event_subject': 's',
    });
  });

  it('marks 5xx responses and thrown values as errors, with the status code', () => {
    const { exporter, tracer: t } = tracer();
    const ok = startInvocationSpan(api, t, info({ invocationId: 'ok' }), 1);
    endInvocationSpan(api, ok.span, { status: 404 }, 2);
    const failed = startInvocationSpan(api, t, info({ invocationId: 'failed' }));
    endInvocationSpan(api, failed.span, { status: 503 });
    const thrown = startInvocationSpan(api, t, info({ invocationId: 'thrown' }));
    endInvocationSpan(api, thrown.span, { status: 500, error: 'a string' });
    const [first, second, third] = exporter.getFinishedSpans();
    expect(first!.status.code).toBe(api.SpanStatusCode.UNSET);
    expect(first!.attributes['http.response.status_code']).toBe(404);
    expect(first!.kind).toBe(api.SpanKind.SERVER);
    expect(second!.status.code).toBe(api.SpanStatusCode.ERROR);
    expect(second!.attributes['error.type']).toBe('503');
    expect(third!.status).toEqual({ code: api.SpanStatusCode.ERROR, message: 'a string' });
    expect(third!.events.map((event) => event.name)).toEqual(['exception']);
  });
});
