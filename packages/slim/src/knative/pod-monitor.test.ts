// No CRD of the Prometheus Operator ships with the Knative schemas, so the PodMonitor is checked
// here against monitoring.coreos.com/v1's API by hand: the fields it defines at each level, the
// types they take, and the patterns its CRD gives durations.
import { describe, expect, it } from 'vitest';
import { SlimConfigError } from '../errors.ts';
import { knativePodMonitor } from './pod-monitor.ts';
import { resolveKnativeOptions } from './resolve.ts';

// The fields of PodMonitor that the generated manifest may use (prometheus-operator's API
// reference: PodMonitorSpec, PodMetricsEndpoint, LabelSelector).
const podMonitorSpecFields = new Set([
  'jobLabel',
  'podTargetLabels',
  'podMetricsEndpoints',
  'selector',
  'namespaceSelector',
  'sampleLimit',
]);
const podMetricsEndpointFields = new Set([
  'port',
  'portNumber',
  'path',
  'scheme',
  'interval',
  'scrapeTimeout',
]);
const duration =
  /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;

function refusal(podMonitor: unknown): SlimConfigError {
  try {
    resolveKnativeOptions({ podMonitor } as never, 'order-risk');
  } catch (error) {
    if (error instanceof SlimConfigError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('the PodMonitor', () => {
  it('is written only when asked for', () => {
    expect(knativePodMonitor(resolveKnativeOptions({}, 'order-risk'))).toBeNull();
  });

  it('selects the Service revision pods and scrapes the user container port, with the PodMonitor API fields only', () => {
    const manifest = knativePodMonitor(
      resolveKnativeOptions(
        { namespace: 'shop', podMonitor: { interval: '15s', labels: { release: 'kube-prometheus' } } },
        'order-risk',
      ),
    ) as {
      apiVersion: string;
      kind: string;
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      spec: Record<string, unknown>;
    };
    expect(manifest.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(manifest.kind).toBe('PodMonitor');
    expect(manifest.metadata).toEqual({
      name: 'order-risk-metrics',
      namespace: 'shop',
      labels: {
        'app.kubernetes.io/name': 'order-risk',
        'app.kubernetes.io/managed-by': 'thaw',
        release: 'kube-prometheus',
      },
    });
    expect(Object.keys(manifest.spec).every((key) => podMonitorSpecFields.has(key))).toBe(true);
    expect(manifest.spec['selector']).toEqual({
      matchLabels: { 'serving.knative.dev/service': 'order-risk' },
    });
    const endpoints = manifest.spec['podMetricsEndpoints'] as Array<Record<string, unknown>>;
    expect(endpoints).toHaveLength(1);
    const [endpoint] = endpoints as [Record<string, unknown>];
    expect(Object.keys(endpoint).every((key) => podMetricsEndpointFields.has(key))).toBe(true);
    expect(endpoint).toEqual({ port: 'user-port', path: '/metrics', interval: '15s' });
    expect(endpoint['interval']).toMatch(duration);
  });

  it('refuses an unknown key, a bad interval, path, name or label, naming the setting', () => {
    expect(refusal({ intervall: '30s' }).option).toBe('knative.podMonitor.intervall');
    expect(refusal({ interval: '30 seconds' }).option).toBe('knative.podMonitor.interval');
    expect(refusal({ interval: '0' }).option).toBe('knative.podMonitor.interval');
    expect(refusal({ path: 'metrics' }).option).toBe('knative.podMonitor.path');
    expect(refusal({ name: 'Order_Risk' }).option).toBe('knative.podMonitor.name');
    expect(refusal({ labels: { release: 'has space' } }).option).toBe('knative.podMonitor.labels.release');
    expect(refusal({ labels: { 'bad key!': 'x' } }).option).toBe('knative.podMonitor.labels');
    expect(() => resolveKnativeOptions({ podMonitor: { interval: '1m30s' } }, 'order-risk')).not.toThrow();
  });
});
