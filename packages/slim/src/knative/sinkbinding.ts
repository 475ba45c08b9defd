import { manifestMetadata, type Manifest } from './service.ts';
import type { ResolvedKnativeOptions } from './options.ts';

/**
 * The `sources.knative.dev/v1` `SinkBinding` that injects `K_SINK` into the function's Service,
 * or null when none was asked for.
 *
 * @example
 * ```ts
 * knativeSinkBinding(resolveKnativeOptions({ sinkBinding: { sinkUri: 'http://broker.example/' } }, 'orders'));
 * ```
 */
export function knativeSinkBinding(s: ResolvedKnativeOptions): Manifest | null {
  if (s.sinkBinding === null) return null;
  const { sinkUri, sinkRef } = s.sinkBinding;
  const sink = sinkRef !== null ? { ref: { ...sinkRef } } : { uri: sinkUri };
  return {
    apiVersion: 'sources.knative.dev/v1',
    kind: 'SinkBinding',
    metadata: manifestMetadata(s, s.sinkBinding.name),
    spec: {
      subject: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: s.name },
      sink,
    },
  };
}
