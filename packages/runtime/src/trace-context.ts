// The trace context of the current invocation, as W3C Trace Context headers, for what the
// function sends on (publish(), a CloudEvents reply) so that one trace connects the functions of
// a flow. Tracing offers it when installed; without tracing nothing is registered and asking
// costs one property read, no import.
import { traceContextKey } from './process-keys.ts';

/**
 * The W3C Trace Context headers of the current invocation's span.
 *
 * @example
 * ```ts
 * const headers: TraceHeaders = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
 * ```
 */
export interface TraceHeaders {
  readonly traceparent: string;
  readonly tracestate?: string;
}

/** Gives the headers of the current invocation's span, or undefined outside any invocation. */
export type TraceContextSource = () => TraceHeaders | undefined;

type Holder = { [traceContextKey]?: TraceContextSource | undefined };

/**
 * Registers (or, with undefined, removes) where the current trace context comes from. Called by
 * tracing when it is installed.
 *
 * @example
 * ```ts
 * provideTraceContext(() => ({ traceparent: formatTraceparent(span.spanContext()) }));
 * ```
 */
export function provideTraceContext(source: TraceContextSource | undefined): void {
  (globalThis as Holder)[traceContextKey] = source;
}

/**
 * The trace headers to send with an outgoing event, or undefined when tracing is off or no
 * invocation is running. Never throws: telemetry does not fail a publish.
 *
 * @example
 * ```ts
 * const trace = currentTraceHeaders();
 * if (trace !== undefined) headers.traceparent = trace.traceparent;
 * ```
 */
export function currentTraceHeaders(): TraceHeaders | undefined {
  const source = (globalThis as Holder)[traceContextKey];
  if (source === undefined) return undefined;
  try {
    return source();
  } catch {
    return undefined;
  }
}

/**
 * A W3C `traceparent` (version 00) from a span context.
 *
 * @example
 * ```ts
 * formatTraceparent({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 });
 * // '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'
 * ```
 */
export function formatTraceparent(span: {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
}): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** Copies the trace headers, if any, into a header record (lower-case names). */
export function addTraceHeaders(headers: Record<string, string>, trace: TraceHeaders | undefined): void {
  if (trace === undefined) return;
  headers['traceparent'] = trace.traceparent;
  if (trace.tracestate !== undefined && trace.tracestate !== '') headers['tracestate'] = trace.tracestate;
}
