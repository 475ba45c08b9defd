/** A Knative Eventing `Trigger` that routes events from a broker to the function. */
export interface TriggerOptions {
  /** Trigger name. @default `<service name>-trigger` */
  readonly name?: string;
  /** Broker the trigger subscribes to. @default 'default' */
  readonly broker?: string;
  /** Exact-match CloudEvents attribute filter, e.g. `{ type: 'OrderCreated' }`. @default {} (every event) */
  readonly filter?: Readonly<Record<string, string>>;
}

/** A Knative `SinkBinding` that injects `K_SINK` into the function: give `sinkUri` or `sinkRef`. */
export interface SinkBindingOptions {
  /** SinkBinding name. @default `<service name>-sinkbinding` */
  readonly name?: string;
  /** Absolute URI events are sent to. @default null */
  readonly sinkUri?: string | null;
  /** An addressable object events are sent to. @default null */
  readonly sinkRef?: { readonly apiVersion: string; readonly kind: string; readonly name: string } | null;
}

/** Autoscaling classes Knative ships. */
export type AutoscalingClass = 'kpa.autoscaling.knative.dev' | 'hpa.autoscaling.knative.dev';

/** Container image pull policies Kubernetes accepts. */
export type ImagePullPolicy = 'Always' | 'IfNotPresent' | 'Never';

/**
 * The cold-start settings of the generated Knative manifests.
 *
 * @example
 * ```ts
 * const knative: KnativeOptions = { minScale: 1, target: 50, trigger: { filter: { type: 'OrderCreated' } } };
 * ```
 */
export interface KnativeOptions {
  /** Service name (a DNS-1035 label). @default the package name without its scope */
  readonly name?: string;
  /** Namespace written into the manifests; null leaves it to `kubectl`. @default null */
  readonly namespace?: string | null;
  /** Container image; `thaw image` pins it by digest. @default `<name>:latest` */
  readonly image?: string;
  /** Autoscaler. @default 'kpa.autoscaling.knative.dev' */
  readonly autoscalingClass?: AutoscalingClass;
  /** Fewest replicas; 1 or more keeps one warm and removes cold starts at a cost. @default 0 */
  readonly minScale?: number;
  /** Most replicas; 0 means no limit. @default 0 */
  readonly maxScale?: number;
  /** Replicas created when a revision is deployed. @default 1 */
  readonly initialScale?: number;
  /** How long the last replica stays after traffic stops, in seconds. @default 0 */
  readonly scaleDownDelaySeconds?: number;
  /** Soft concurrency target per replica the autoscaler aims for. @default 100 */
  readonly target?: number;
  /** Hard limit of concurrent requests per replica; 0 means no limit. @default 0 */
  readonly containerConcurrency?: number;
  /** CPU request (Kubernetes quantity). @default '100m' */
  readonly cpuRequest?: string;
  /** CPU limit (Kubernetes quantity); at least the request. @default '1' */
  readonly cpuLimit?: string;
  /** Memory request (Kubernetes quantity). @default '128Mi' */
  readonly memoryRequest?: string;
  /** Memory limit (Kubernetes quantity); at least the request. @default '256Mi' */
  readonly memoryLimit?: string;
  /** Request timeout, and the grace period on shutdown, in seconds. @default 300 */
  readonly timeoutSeconds?: number;
  /** Port the container listens on (Knative sets `PORT` to it). @default 8080 */
  readonly port?: number;
  /** Path of the readiness probe (the runtime's readiness endpoint). @default '/readyz' */
  readonly readinessPath?: string;
  /** Path of the liveness probe (the runtime's liveness endpoint). @default '/healthz' */
  readonly livenessPath?: string;
  /** Environment variables of the container. @default {} */
  readonly env?: Readonly<Record<string, string>>;
  /** When the node pulls the image. @default 'IfNotPresent' */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** An Eventing `Trigger` to write to `knative/trigger.yaml`; null writes none. @default null */
  readonly trigger?: TriggerOptions | null;
  /** An Eventing `SinkBinding` to write to `knative/sinkbinding.yaml`; null writes none. @default null */
  readonly sinkBinding?: SinkBindingOptions | null;
}

/** The defaults of {@link KnativeOptions}; `name` and `image` derive from the package. */
export const defaultKnativeOptions = {
  namespace: null,
  autoscalingClass: 'kpa.autoscaling.knative.dev',
  minScale: 0,
  maxScale: 0,
  initialScale: 1,
  scaleDownDelaySeconds: 0,
  target: 100,
  containerConcurrency: 0,
  cpuRequest: '100m',
  cpuLimit: '1',
  memoryRequest: '128Mi',
  memoryLimit: '256Mi',
  timeoutSeconds: 300,
  port: 8080,
  readinessPath: '/readyz',
  livenessPath: '/healthz',
  env: {},
  imagePullPolicy: 'IfNotPresent',
  trigger: null,
  sinkBinding: null,
} as const satisfies Omit<Required<KnativeOptions>, 'name' | 'image'>;

/** Every setting resolved. */
export interface ResolvedKnativeOptions extends Required<Omit<KnativeOptions, 'trigger' | 'sinkBinding'>> {
  readonly trigger: Required<TriggerOptions> | null;
  readonly sinkBinding: Required<SinkBindingOptions> | null;
}
