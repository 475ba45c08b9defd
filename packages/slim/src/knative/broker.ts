import { deliverySpec } from './delivery.ts';
import type { ResolvedKnativeOptions } from './options.ts';
import { manifestMetadata, type Manifest } from './service.ts';

/**
 * The `eventing.knative.dev/v1` `Broker` the function's events go through, or null when none
 * was asked for. Its `delivery` is the default of every Trigger on it.
 *
 * @example
 * ```ts
 * knativeBroker(resolveKnativeOptions({ broker: { name: 'orders' } }, 'order-risk'));
 * ```
 */
export function knativeBroker(s: ResolvedKnativeOptions): Manifest | null {
  if (s.broker === null) return null;
  const metadata = manifestMetadata(s, s.broker.name);
  return {
    apiVersion: 'eventing.knative.dev/v1',
    kind: 'Broker',
    metadata: { ...metadata, annotations: { 'eventing.knative.dev/broker.class': s.broker.class } },
    spec: s.broker.delivery === null ? {} : { delivery: deliverySpec(s.broker.delivery) },
  };
}
