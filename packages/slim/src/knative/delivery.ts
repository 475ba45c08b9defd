import { SlimConfigError } from '../errors.ts';
import { defaultDeliveryOptions, type DeadLetterSink, type DeliveryOptions } from './delivery-options.ts';
import { checkInteger } from './known-keys.ts';
import { checkKnownKeys, isRecord } from '../validators.ts';

// ISO 8601 durations as Knative parses them (github.com/rickb777/date/period): PnYnMnDTnHnMnS.
const isoDuration = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/;

/**
 * A delivery spec resolved with its defaults and checked: retries an integer ≥ 0, a known backoff
 * policy, an ISO 8601 backoff delay, and a dead-letter sink that is a URI or a reference.
 *
 * @example
 * ```ts
 * resolveDelivery({ retry: 2 }, 'knative.trigger.delivery'); // { retry: 2, backoffPolicy: 'exponential', … }
 * ```
 */
export function resolveDelivery(
  delivery: DeliveryOptions | null | undefined,
  where: string,
): Required<DeliveryOptions> | null {
  if (delivery === null || delivery === undefined) return null;
  checkKnownKeys(delivery, ['retry', 'backoffPolicy', 'backoffDelay', 'deadLetterSink'], where);
  const d = defaultDeliveryOptions;
  const resolved = {
    retry: delivery.retry ?? d.retry,
    backoffPolicy: delivery.backoffPolicy ?? d.backoffPolicy,
    backoffDelay: delivery.backoffDelay ?? d.backoffDelay,
    deadLetterSink: delivery.deadLetterSink ?? d.deadLetterSink,
  };
  checkInteger(`${where}.retry`, resolved.retry, 0);
  // Config files are untyped: the policy may be any string at run time.
  if (!['exponential', 'linear'].includes(resolved.backoffPolicy)) {
    throw new SlimConfigError(`${where}.backoffPolicy`, resolved.backoffPolicy, '"exponential" or "linear"');
  }
  if (typeof resolved.backoffDelay !== 'string' || !isoDuration.test(resolved.backoffDelay)) {
    throw new SlimConfigError(
      `${where}.backoffDelay`,
      resolved.backoffDelay,
      'an ISO 8601 duration such as "PT0.2S" or "PT1M"',
    );
  }
  if (resolved.deadLetterSink !== null) checkSink(resolved.deadLetterSink, `${where}.deadLetterSink`);
  return resolved;
}

/**
 * Checks a Knative `Destination`: `{ uri }` (absolute) or `{ ref: { apiVersion, kind, name } }`.
 *
 * @example
 * ```ts
 * checkSink({ uri: 'http://dead-letters.shop.svc.cluster.local' }, 'knative.trigger.delivery.deadLetterSink');
 * ```
 */
export function checkSink(sink: DeadLetterSink, where: string): void {
  checkKnownKeys(sink, ['uri', 'ref'], where);
  const s = sink as Record<string, unknown>;
  if ((s['uri'] === undefined) === (s['ref'] === undefined)) {
    throw new SlimConfigError(where, sink, 'exactly one of { uri } or { ref: { apiVersion, kind, name } }');
  }
  if (s['uri'] !== undefined && (typeof s['uri'] !== 'string' || !URL.canParse(s['uri']))) {
    throw new SlimConfigError(`${where}.uri`, s['uri'], 'an absolute URI');
  }
  if (s['ref'] !== undefined) {
    checkKnownKeys(s['ref'], ['apiVersion', 'kind', 'name'], `${where}.ref`);
    const ref = s['ref'] as Record<string, unknown>;
    for (const key of ['apiVersion', 'kind', 'name']) {
      if (typeof ref[key] !== 'string' || ref[key] === '') {
        throw new SlimConfigError(`${where}.ref.${key}`, ref[key], 'a non-empty string');
      }
    }
  }
}

/** The `delivery` object of a Trigger or Broker. */
export function deliverySpec(d: Required<DeliveryOptions>): Record<string, unknown> {
  return {
    retry: d.retry,
    backoffPolicy: d.backoffPolicy,
    backoffDelay: d.backoffDelay,
    ...(d.deadLetterSink === null
      ? {}
      : {
          deadLetterSink:
            isRecord(d.deadLetterSink) && 'ref' in d.deadLetterSink
              ? { ref: { ...d.deadLetterSink.ref } }
              : { uri: d.deadLetterSink.uri },
        }),
  };
}
