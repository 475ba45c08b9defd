// A Trigger's `delivery`, as Knative Eventing applies it (knative/eventing
// pkg/kncloudevents/retries.go and the hashicorp retryablehttp loop it runs in): up to `retry`
// retries of a failed delivery; before retry n (1-based) the wait is backoffDelay * 2^(n-1) for
// `exponential` and backoffDelay * (n-1) for `linear` (the loop hands the backoff function a
// 0-based attempt number); a delivery is retried when it got no answer (connection error,
// timeout) or 404, 408, 409, 429 or 5xx, and never on another status; after the last failure the
// event goes to the dead-letter sink, if there is one.
import { isoDurationMs } from './iso-duration.ts';

/** Where a Trigger or Broker points: an object resolved by name, or a URI. */
export type Destination =
  { readonly ref: { readonly kind: string; readonly name: string } } | { readonly uri: string };

/** A `delivery` spec resolved to numbers. */
export interface DeliveryPolicy {
  /** Retries after the first attempt. */
  readonly retry: number;
  readonly backoffPolicy: 'exponential' | 'linear';
  readonly backoffDelayMs: number;
  /** Per-attempt timeout from `delivery.timeout`; undefined: the broker's default. */
  readonly timeoutMs: number | undefined;
  readonly deadLetterSink: Destination | undefined;
}

/** No `delivery` at all: one attempt, no dead-letter sink (Knative's `NoRetries`). */
export const noDelivery: DeliveryPolicy = {
  retry: 0,
  backoffPolicy: 'exponential',
  backoffDelayMs: 0,
  timeoutMs: undefined,
  deadLetterSink: undefined,
};

/** Reads a manifest's `delivery` object; throws naming the field when it is malformed. */
export function deliveryPolicy(spec: unknown, where: string): DeliveryPolicy {
  if (spec === undefined || spec === null) return noDelivery;
  if (typeof spec !== 'object') throw new Error(`${where}.delivery must be an object.`);
  const d = spec as Record<string, unknown>;
  const retry = d['retry'] ?? 0;
  if (typeof retry !== 'number' || !Number.isInteger(retry) || retry < 0) {
    throw new Error(`${where}.delivery.retry must be an integer ≥ 0; received ${JSON.stringify(retry)}.`);
  }
  const policy = d['backoffPolicy'] ?? 'exponential';
  if (policy !== 'exponential' && policy !== 'linear') {
    throw new Error(
      `${where}.delivery.backoffPolicy must be exponential or linear; received ${JSON.stringify(policy)}.`,
    );
  }
  // Knative only installs a backoff when both the policy and the delay are given.
  const delay = d['backoffDelay'];
  const backoffDelayMs =
    typeof delay === 'string' && d['backoffPolicy'] !== undefined ? isoDurationMs(delay) : 0;
  const timeout = d['timeout'];
  return {
    retry,
    backoffPolicy: policy,
    backoffDelayMs,
    timeoutMs: typeof timeout === 'string' ? isoDurationMs(timeout) : undefined,
    deadLetterSink: destination(d['deadLetterSink'], `${where}.delivery.deadLetterSink`),
  };
}

/** A `ref` or `uri` destination, or undefined when absent. */
export function destination(value: unknown, where: string): Destination | undefined {
  if (value === undefined || value === null) return undefined;
  const v = value as { ref?: { kind?: unknown; name?: unknown }; uri?: unknown };
  if (typeof v.uri === 'string') return { uri: v.uri };
  if (typeof v.ref?.kind === 'string' && typeof v.ref.name === 'string') {
    return { ref: { kind: v.ref.kind, name: v.ref.name } };
  }
  throw new Error(`${where} must have a ref (kind, name) or a uri.`);
}

/** How one delivery attempt ended. */
export type AttemptResult = { readonly status: number } | { readonly failure: 'timeout' | 'connection' };

/** Whether Knative retries after this result (retries.go, SelectiveRetry). */
export function isRetryable(result: AttemptResult): boolean {
  if ('failure' in result) return true;
  const { status } = result;
  return status >= 500 || status === 404 || status === 408 || status === 409 || status === 429;
}

/** Whether the attempt delivered the event (2xx). */
export function isDelivered(result: AttemptResult): boolean {
  return 'status' in result && result.status >= 200 && result.status < 300;
}

/** The wait before retry `retryNumber` (1 for the first retry), in ms. */
export function backoffMs(policy: DeliveryPolicy, retryNumber: number): number {
  const attemptNum = retryNumber - 1;
  return policy.backoffPolicy === 'exponential'
    ? policy.backoffDelayMs * 2 ** attemptNum
    : policy.backoffDelayMs * attemptNum;
}
