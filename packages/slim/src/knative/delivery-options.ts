/** Where events that exhausted their retries go: a URI or an addressable object. */
export type DeadLetterSink =
  | { readonly uri: string }
  | { readonly ref: { readonly apiVersion: string; readonly kind: string; readonly name: string } };

/**
 * Knative Eventing's `delivery` spec: how often a failed delivery is retried, how long to wait
 * between tries, and where an event goes when every try failed.
 *
 * @example
 * ```ts
 * const delivery: DeliveryOptions = { retry: 3, backoffPolicy: 'exponential', backoffDelay: 'PT0.5S',
 *   deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'dead-letters' } } };
 * ```
 */
export interface DeliveryOptions {
  /** Retries after the first try (an integer ≥ 0). @default 3 */
  readonly retry?: number;
  /** `exponential`: delay × 2^n; `linear`: delay × n. @default 'exponential' */
  readonly backoffPolicy?: 'exponential' | 'linear';
  /** Base delay, an ISO 8601 duration such as `PT0.2S`. @default 'PT0.2S' */
  readonly backoffDelay?: string;
  /** Where an event goes after its last failed try; null: dropped (logged by the broker). @default null */
  readonly deadLetterSink?: DeadLetterSink | null;
}

/** The defaults of {@link DeliveryOptions}. */
export const defaultDeliveryOptions = {
  retry: 3,
  backoffPolicy: 'exponential',
  backoffDelay: 'PT0.2S',
  deadLetterSink: null,
} as const satisfies Required<DeliveryOptions>;
