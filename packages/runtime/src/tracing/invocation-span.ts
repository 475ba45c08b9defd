// One invocation as an OpenTelemetry SERVER span: its name, its FaaS and HTTP attributes, the
// parent taken from the incoming trace context, and how its outcome ends it. Used both live
// (the span wraps the user's code) and in replay (a buffered invocation, with its real times).
import type { Attributes, Context, Span, Tracer } from '@opentelemetry/api';
import type { InvocationInfo, InvocationOutcome } from '../lifecycle.ts';
import {
  ATTR_CLOUDEVENTS_EVENT_ID,
  ATTR_CLOUDEVENTS_EVENT_SOURCE,
  ATTR_CLOUDEVENTS_EVENT_SPEC_VERSION,
  ATTR_CLOUDEVENTS_EVENT_SUBJECT,
  ATTR_CLOUDEVENTS_EVENT_TYPE,
  ATTR_ERROR_TYPE,
  ATTR_FAAS_COLDSTART,
  ATTR_FAAS_INVOCATION_ID,
  ATTR_FAAS_TRIGGER,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_URL_PATH,
  ATTR_URL_QUERY,
  ATTR_USER_AGENT_ORIGINAL,
} from './semconv.ts';
import type { OtelApi } from './otel.ts';
import { hrTimeSinceStart } from './span-time.ts';

/** `GET` for HTTP; `process <ce-type>` for a CloudEvent, as messaging spans are named. */
export function invocationSpanName(info: InvocationInfo): string {
  const eventType = header(info, 'ce-type');
  if (info.trigger === 'pubsub' && eventType !== undefined) return `process ${eventType}`;
  return info.method;
}

/** The attributes known when the invocation starts. */
export function invocationAttributes(info: InvocationInfo): Attributes {
  const queryAt = info.target.indexOf('?');
  const attributes: Attributes = {
    [ATTR_FAAS_COLDSTART]: info.coldStart,
    [ATTR_FAAS_TRIGGER]: info.trigger,
    [ATTR_FAAS_INVOCATION_ID]: info.invocationId,
    [ATTR_HTTP_REQUEST_METHOD]: info.method,
    [ATTR_URL_PATH]: queryAt === -1 ? info.target : info.target.slice(0, queryAt),
  };
  if (queryAt !== -1) attributes[ATTR_URL_QUERY] = info.target.slice(queryAt + 1);
  const userAgent = header(info, 'user-agent');
  if (userAgent !== undefined) attributes[ATTR_USER_AGENT_ORIGINAL] = userAgent;
  if (info.trigger === 'pubsub') {
    const ce: Array<[string, string]> = [
      [ATTR_CLOUDEVENTS_EVENT_ID, 'ce-id'],
      [ATTR_CLOUDEVENTS_EVENT_TYPE, 'ce-type'],
      [ATTR_CLOUDEVENTS_EVENT_SOURCE, 'ce-source'],
      [ATTR_CLOUDEVENTS_EVENT_SPEC_VERSION, 'ce-specversion'],
      [ATTR_CLOUDEVENTS_EVENT_SUBJECT, 'ce-subject'],
    ];
    for (const [attribute, name] of ce) {
      const value = header(info, name);
      if (value !== undefined) attributes[attribute] = value;
    }
  }
  return attributes;
}

// One getter for every extraction, not an object per request.
const headerGetter = {
  keys: (carrier: InvocationInfo['headers']): string[] => Object.keys(carrier),
  get: (carrier: InvocationInfo['headers'], key: string): string | string[] | undefined => carrier[key],
};

/**
 * The context the invocation's span is a child of: whatever the registered propagator extracts
 * from the headers, or, when no propagator is registered, a W3C `traceparent` read directly.
 */
export function parentContext(api: OtelApi, info: InvocationInfo): Context {
  const extracted = api.propagation.extract(api.ROOT_CONTEXT, info.headers, headerGetter);
  if (api.trace.getSpanContext(extracted) !== undefined) return extracted;
  const traceparent = header(info, 'traceparent');
  const parsed = traceparent === undefined ? undefined : parseTraceparent(traceparent);
  if (parsed === undefined) return api.ROOT_CONTEXT;
  return api.trace.setSpanContext(api.ROOT_CONTEXT, { ...parsed, isRemote: true });
}

/** A W3C `traceparent` value, or undefined when it is not a valid one. */
export function parseTraceparent(
  value: string,
): { traceId: string; spanId: string; traceFlags: number } | undefined {
  const match = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/.exec(value.trim());
  if (match === null) return undefined;
  const [, version, traceId, spanId, flags, rest] = match;
  if (version === undefined || traceId === undefined || spanId === undefined || flags === undefined) {
    return undefined;
  }
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined;
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 1 };
}

/**
 * Starts the SERVER span of an invocation: at `startMs` (ms since process start) for a replayed
 * one; now, on the SDK's own clock, for a live one, so that spans started inside it (pg,
 * ioredis) are measured on the same clock as their parent.
 */
export function startInvocationSpan(
  api: OtelApi,
  tracer: Tracer,
  info: InvocationInfo,
  startMs?: number,
): { span: Span; context: Context } {
  const parent = parentContext(api, info);
  const attributes = invocationAttributes(info);
  const span = tracer.startSpan(
    invocationSpanName(info),
    startMs === undefined
      ? { kind: api.SpanKind.SERVER, attributes }
      : { kind: api.SpanKind.SERVER, attributes, startTime: hrTimeSinceStart(startMs) },
    parent,
  );
  return { span, context: api.trace.setSpan(parent, span) };
}

/**
 * Ends an invocation's span with its outcome, at `endMs` for a replayed one, now for a live one.
 * 5xx and thrown errors are errors.
 */
export function endInvocationSpan(
  api: OtelApi,
  span: Span,
  outcome: InvocationOutcome,
  endMs?: number,
): void {
  const endTime = endMs === undefined ? undefined : hrTimeSinceStart(endMs);
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome.status);
  if (outcome.error !== undefined) {
    const error =
      outcome.error instanceof Error
        ? outcome.error
        : new Error(typeof outcome.error === 'string' ? outcome.error : 'A non-Error value was thrown.', {
            cause: outcome.error,
          });
    span.recordException(error, endTime);
    span.setAttribute(ATTR_ERROR_TYPE, error.name);
    span.setStatus({ code: api.SpanStatusCode.ERROR, message: error.message });
  } else if (outcome.status >= 500) {
    span.setAttribute(ATTR_ERROR_TYPE, String(outcome.status));
    span.setStatus({ code: api.SpanStatusCode.ERROR });
  }
  span.end(endTime);
}

function header(info: InvocationInfo, name: string): string | undefined {
  const value = info.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
