import type { ResolvedKnativeOptions } from './options.ts';
import { manifestMetadata, type Manifest } from './service.ts';

/**
 * The `sources.knative.dev/v1` `PingSource` that sends the function warm-up requests on a
 * schedule, to the runtime's warm-up path on the Service, or null when none was asked for.
 *
 * @example
 * ```ts
 * knativePingSource(resolveKnativeOptions({ warmUp: { schedule: '*\/5 * * * *' } }, 'order-risk'));
 * ```
 */
export function knativePingSource(s: ResolvedKnativeOptions): Manifest | null {
  if (s.warmUp === null) return null;
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'PingSource',
    metadata: manifestMetadata(s, s.warmUp.name),
    spec: {
      schedule: s.warmUp.schedule,
      ...(s.warmUp.timezone === null ? {} : { timezone: s.warmUp.timezone }),
      contentType: 'application/json',
      data: '{"warmup":true}',
      // A relative URI resolves against the Service's address.
      sink: {
        ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: s.name },
        uri: s.warmUp.path,
      },
    },
  };
}
