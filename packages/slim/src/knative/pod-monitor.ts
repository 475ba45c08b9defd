import type { ResolvedKnativeOptions } from './options.ts';
import { manifestMetadata, type Manifest } from './service.ts';

/**
 * The name Knative gives the user container's port in every revision pod (`user-port`): a scrape
 * there reaches the runtime's `/metrics`, not the queue-proxy's own metrics ports.
 */
export const knativeUserPortName = 'user-port';

/**
 * The Prometheus Operator `PodMonitor` (`monitoring.coreos.com/v1`) that scrapes the runtime's
 * metrics on every revision pod of the Service (label `serving.knative.dev/service`), or null
 * when none was asked for. A PodMonitor, not a ServiceMonitor: Knative's revision services
 * expose the queue-proxy's ports, never the user container's.
 *
 * @example
 * ```ts
 * knativePodMonitor(resolveKnativeOptions({ podMonitor: { interval: '15s' } }, 'order-risk'));
 * ```
 */
export function knativePodMonitor(s: ResolvedKnativeOptions): Manifest | null {
  if (s.podMonitor === null) return null;
  const metadata = manifestMetadata(s, s.podMonitor.name);
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    metadata: {
      ...metadata,
      labels: { ...(metadata['labels'] as Record<string, string>), ...s.podMonitor.labels },
    },
    spec: {
      selector: { matchLabels: { 'serving.knative.dev/service': s.name } },
      podMetricsEndpoints: [
        { port: knativeUserPortName, path: s.podMonitor.path, interval: s.podMonitor.interval },
      ],
    },
  };
}
