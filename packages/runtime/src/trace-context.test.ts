import { afterEach, describe, expect, it } from 'vitest';
import {
  addTraceHeaders,
  currentTraceHeaders,
  formatTraceparent,
  provideTraceContext,
} from './trace-context.ts';

describe('the current trace context', () => {
  afterEach(() => {
    provideTraceContext(undefined);
  });

  it('is absent while no tracing registered a source', () => {
    expect(currentTraceHeaders()).toBeUndefined();
    const headers: Record<string, string> = {};
    addTraceHeaders(headers, currentTraceHeaders());
    expect(headers).toEqual({});
  });

  it('comes from the registered source, and a failing source only means none', () => {
    provideTraceContext(() => ({
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'a=1',
    }));
    const headers: Record<string, string> = { 'ce-id': '1' };
    addTraceHeaders(headers, currentTraceHeaders());
    expect(headers).toEqual({
      'ce-id': '1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      tracestate: 'a=1',
    });
    provideTraceContext(() => {
      throw new Error('broken');
    });
    expect(currentTraceHeaders()).toBeUndefined();
  });

  it('formats a W3C traceparent, version 00, with the sampled flag in two hex digits', () => {
    expect(
      formatTraceparent({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: 1,
      }),
    ).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(
      formatTraceparent({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
        traceFlags: 0,
      }),
    ).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00');
  });
});
