// Sends a CloudEvent to the sink a SinkBinding injected (K_SINK), in binary mode, with the
// binding's K_CE_OVERRIDES applied, through the cloudevents SDK loaded on first use. With tracing
// on, the request carries the current invocation's W3C trace context, so the trace goes on in
// whatever receives the event.
import { loadCloudEventsSdk } from './sdk.ts';
import { ThawError } from '../errors.ts';
import type { CloudEventInit } from './types.ts';
import { readKnativeEnv } from '../knative.ts';
import { addTraceHeaders, currentTraceHeaders } from '../trace-context.ts';

/**
 * Options of {@link publish}.
 *
 * @example
 * ```ts
 * await publish(event, { timeoutMs: 2_000 });
 * ```
 */
export interface PublishOptions {
  /** Environment to read `K_SINK` and `K_CE_OVERRIDES` from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Gives up after this long. @default 10000 */
  readonly timeoutMs?: number;
  /** Aborts the request. @default none */
  readonly signal?: AbortSignal;
}

/**
 * The defaults of {@link PublishOptions}.
 *
 * @example
 * ```ts
 * await publish(event, { timeoutMs: defaultPublishOptions.timeoutMs * 2 });
 * ```
 */
export const defaultPublishOptions = { timeoutMs: 10_000 } as const;

/**
 * Publishes an event to `K_SINK` in binary mode and resolves with the sink's HTTP status. With
 * tracing on, the request carries the current invocation's `traceparent` (and `tracestate`).
 * Throws `THAW_SINK_MISSING` when no SinkBinding set `K_SINK`, `THAW_PUBLISH_FAILED` when the
 * sink does not answer 2xx.
 *
 * @example
 * ```ts
 * await publish({ type: 'com.example.order.checked', source: '/risk', data: { orderId } });
 * ```
 */
export async function publish(event: CloudEventInit, options: PublishOptions = {}): Promise<number> {
  const env = options.env ?? process.env;
  const knative = readKnativeEnv(env);
  if (knative.sink === undefined) {
    throw new ThawError(
      'THAW_SINK_MISSING',
      'publish() needs K_SINK, the address events go to, but it is not set. Bind the function to a sink with a Knative SinkBinding (or a ContainerSource), or set K_SINK yourself when running outside Knative.',
    );
  }
  const { CloudEvent, HTTP } = await loadCloudEventsSdk('publish()');
  const built = new CloudEvent({ ...event, ...knative.ceOverrides?.extensions });
  const message = HTTP.binary(built);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) {
    if (value !== undefined) headers[name] = String(value);
  }
  addTraceHeaders(headers, currentTraceHeaders());
  const body = message.body;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? defaultPublishOptions.timeoutMs);
  const signal = options.signal === undefined ? timeout : AbortSignal.any([timeout, options.signal]);
  let response: Response;
  try {
    response = await fetch(knative.sink, {
      method: 'POST',
      headers,
      body:
        body === undefined || body === null
          ? null
          : typeof body === 'string' || body instanceof Uint8Array
            ? body
            : JSON.stringify(body),
      signal,
    });
  } catch (error) {
    throw new ThawError(
      'THAW_PUBLISH_FAILED',
      `Publishing event ${built.id} (${built.type}) to K_SINK failed: ${error instanceof Error ? error.message : String(error)}. Check that the sink is reachable.`,
      { cause: error },
    );
  }
  // Drain the body so the connection can be reused.
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) {
    throw new ThawError(
      'THAW_PUBLISH_FAILED',
      `The sink answered ${response.status} to event ${built.id} (${built.type}). Check the sink's logs; the event was not accepted.`,
    );
  }
  return response.status;
}
