import { autoscalingAnnotations } from './autoscaling.ts';
import { envEntries, envFromEntries, volumeEntries } from './env.ts';
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
// Long on purpose: most of it is the one manifest literal, laid out as the YAML it becomes.
export function knativeService(s: ResolvedKnativeOptions): Manifest {
  const annotations: Record<string, string> = autoscalingAnnotations(s);
  if (s.scrape !== null) {
    annotations['prometheus.io/scrape'] = 'true';
    annotations['prometheus.io/port'] = String(s.port);
    annotations['prometheus.io/path'] = s.scrape.path;
  }
  // The runtime answers pings on this path with 204, without running the handler.
  const envValues = s.warmUp === null ? s.env : { ...s.env, THAW_WARMUP_PATH: s.warmUp.path };
  const env = envEntries(envValues);
  const envFrom = envFromEntries(s.envFrom);
  const { volumes, mounts } = volumeEntries(s.volumes);
  const traffic = s.traffic.map((t) => ({
    ...(t.tag === null ? {} : { tag: t.tag }),
    ...(t.revisionName === null ? { latestRevision: true } : { revisionName: t.revisionName }),
    percent: t.percent,
  }));
  return {
    apiVersion: 'serving.knative.dev/v1',
    kind: 'Service',
    metadata: metadata(s, s.name),
    spec: {
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': s.name }, annotations },
        spec: {
          ...(s.serviceAccountName === null ? {} : { serviceAccountName: s.serviceAccountName }),
          containerConcurrency: s.containerConcurrency,
          timeoutSeconds: s.timeoutSeconds,
          ...(s.responseStartTimeoutSeconds === null
            ? {}
            : { responseStartTimeoutSeconds: s.responseStartTimeoutSeconds }),
          ...(s.idleTimeoutSeconds === null ? {} : { idleTimeoutSeconds: s.idleTimeoutSeconds }),
          containers: [
            {
              name: 'function',
              image: s.image,
              imagePullPolicy: s.imagePullPolicy,
              ports: [{ name: 'http1', containerPort: s.port }],
              ...(env.length > 0 ? { env } : {}),
              ...(envFrom.length > 0 ? { envFrom } : {}),
              resources: {
                requests: { cpu: s.cpuRequest, memory: s.memoryRequest },
                limits: { cpu: s.cpuLimit, memory: s.memoryLimit },
              },
              // periodSeconds 0 lets Knative's queue-proxy probe aggressively during startup.
              readinessProbe: { httpGet: { path: s.readinessPath }, periodSeconds: 0 },
              livenessProbe: { httpGet: { path: s.livenessPath }, periodSeconds: 10, failureThreshold: 3 },
              ...(s.startupProbe === null
                ? {}
                : {
                    startupProbe: {
                      httpGet: { path: s.startupProbe.path },
                      periodSeconds: s.startupProbe.periodSeconds,
                      failureThreshold: s.startupProbe.failureThreshold,
                      timeoutSeconds: s.startupProbe.timeoutSeconds,
                    },
                  }),
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
              volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...mounts],
            },
          ],
          volumes: [{ name: 'tmp', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }, ...volumes],
        },
      },
      ...(traffic.length > 0 ? { traffic } : {}),
    },
  };
}

export { metadata as manifestMetadata };
