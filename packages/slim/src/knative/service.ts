import type { ResolvedKnativeOptions } from './options.ts';

/** A Kubernetes object as plain data, ready to be written as YAML. */
export type Manifest = Readonly<Record<string, unknown>>;

function metadata(s: ResolvedKnativeOptions, name: string): Record<string, unknown> {
  return {
    name,
    ...(s.namespace === null ? {} : { namespace: s.namespace }),
    labels: { 'app.kubernetes.io/name': s.name, 'app.kubernetes.io/managed-by': 'thaw' },
  };
}

/**
 * The `serving.knative.dev/v1` `Service` with the function's cold-start settings: autoscaler
 * annotations on the revision template, concurrency, resources, probes on the runtime's health
 * endpoints, and a restricted security context: non-root, no capabilities, a read-only root
 * filesystem with a writable `/tmp` (an in-memory `emptyDir`).
 *
 * @example
 * ```ts
 * const manifest = knativeService(resolveKnativeOptions({ minScale: 1 }, 'checkout'));
 * ```
 */
export function knativeService(s: ResolvedKnativeOptions): Manifest {
  const annotations: Record<string, string> = {
    'autoscaling.knative.dev/class': s.autoscalingClass,
    'autoscaling.knative.dev/min-scale': String(s.minScale),
    'autoscaling.knative.dev/max-scale': String(s.maxScale),
    'autoscaling.knative.dev/initial-scale': String(s.initialScale),
    'autoscaling.knative.dev/scale-down-delay': `${s.scaleDownDelaySeconds}s`,
    'autoscaling.knative.dev/target': String(s.target),
  };
  // The HPA class scales on CPU; KPA on concurrency (its default metric).
  if (s.autoscalingClass === 'hpa.autoscaling.knative.dev')
    annotations['autoscaling.knative.dev/metric'] = 'cpu';
  const env = Object.keys(s.env)
    .sort()
    .map((name) => ({ name, value: s.env[name] }));
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: metadata(s, s.name),
    spec: {
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': s.name }, annotations },
        spec: {
          containerConcurrency: s.containerConcurrency,
          timeoutSeconds: s.timeoutSeconds,
          containers: [
            {
              name: 'function',
              image: s.image,
              imagePullPolicy: s.imagePullPolicy,
              ports: [{ name: 'http1', containerPort: s.port }],
              ...(env.length > 0 ? { env } : {}),
              resources: {
                requests: { cpu: s.cpuRequest, memory: s.memoryRequest },
                limits: { cpu: s.cpuLimit, memory: s.memoryLimit },
              },
              // periodSeconds 0 lets Knative's queue-proxy probe aggressively during startup.
              readinessProbe: { httpGet: { path: s.readinessPath }, periodSeconds: 0 },
              livenessProbe: { httpGet: { path: s.livenessPath }, periodSeconds: 10, failureThreshold: 3 },
              securityContext: {
                runAsNonRoot: true,
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
              // The root filesystem is read-only (the baked compile cache is only read); /tmp stays
              // writable for Node and the function. An emptyDir needs Knative's
              // `kubernetes.podspec-volumes-emptydir` feature flag.
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }],
        },
      },
    },
  };
}

export { metadata as manifestMetadata };
