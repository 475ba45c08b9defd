import { manifestMetadata, type Manifest } from './service.ts';
import { deliverySpec } from './delivery.ts';
import type { ResolvedKnativeOptions } from './options.ts';

/**
 * The `eventing.knative.dev/v1` `Trigger` that delivers the broker's matching events to the
 * function's Service, or null when no trigger was asked for.
 *
 * @example
 * ```ts
 * knativeTrigger(resolveKnativeOptions({ trigger: { filter: { type: 'OrderCreated' } } }, 'orders'));
 * ```
 */
export function knativeTrigger(s: ResolvedKnativeOptions): Manifest | null {
  if (s.trigger === null) return null;
  const attributes = Object.fromEntries(
    Object.entries(s.trigger.filter).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Trigger',
    metadata: manifestMetadata(s, s.trigger.name),
    spec: {
      broker: s.trigger.broker,
      ...(Object.keys(attributes).length > 0 ? { filter: { attributes } } : {}),
      subscriber: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: s.name } },
      ...(s.trigger.delivery === null ? {} : { delivery: deliverySpec(s.trigger.delivery) }),
    },
  };
}
