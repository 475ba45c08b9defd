import type { DeliveryOptions } from './delivery-options.ts';
import type { EnvFromSource, EnvValue, VolumeOptions } from './env-options.ts';

/** A Knative Eventing `Trigger` that routes events from a broker to the function. */
export interface TriggerOptions {
  /** Trigger name. @default `<service name>-trigger` */
  readonly name?: string;
  /** Broker the trigger subscribes to. @default 'default' */
  readonly broker?: string;
  /** Exact-match CloudEvents attribute filter, e.g. `{ type: 'OrderCreated' }`. @default {} (every event) */
  readonly filter?: Readonly<Record<string, string>>;
  /** Retries, backoff and dead-letter sink of deliveries to the function; null: the broker's. @default null */
  readonly delivery?: DeliveryOptions | null;
}

/** A Knative Eventing `Broker` written to `knative/broker.yaml`. */
export interface BrokerOptions {
  /** Broker name. @default the trigger's broker, else 'default' */
  readonly name?: string;
  /** Broker implementation (`eventing.knative.dev/broker.class`). @default 'MTChannelBasedBroker' */
  readonly class?: string;
  /** Default delivery of every trigger of this broker; null: none. @default null */
  readonly delivery?: DeliveryOptions | null;
}

/**
 * A `PingSource` that sends the function a warm-up request on a cron schedule, to the runtime's
 * warm-up path (`THAW_WARMUP_PATH` is set on the container to match).
 */
export interface WarmUpOptions {
  /** PingSource name. @default `<service name>-warmup` */
  readonly name?: string;
  /** Five-field cron schedule, e.g. every five minutes. @default '*\/5 * * * *' */
  readonly schedule?: string;
  /** IANA time zone of the schedule; null: the controller's (UTC). @default null */
  readonly timezone?: string | null;
  /** Path the pings are sent to, answered 204 by the runtime without running the handler. @default '/_thaw/warmup' */
  readonly path?: string;
}

/** Prometheus scrape annotations (`prometheus.io/*`) on the revision's pods. */
export interface ScrapeOptions {
  /** Path the runtime serves metrics on (`installMetrics({ path })`). @default '/metrics' */
  readonly path?: string;
}

/**
 * A Prometheus Operator `PodMonitor` (`monitoring.coreos.com/v1`) that scrapes the runtime's
 * metrics on the revision's pods, at the user container's port (Knative names it `user-port`).
 */
export interface PodMonitorOptions {
  /** PodMonitor name. @default `<service name>-metrics` */
  readonly name?: string;
  /** Path the runtime serves metrics on (`installMetrics({ path })`). @default '/metrics' */
  readonly path?: string;
  /** Scrape interval, a Prometheus duration such as `30s` or `1m`. @default '30s' */
  readonly interval?: string;
  /** Extra labels on the PodMonitor, for the Prometheus resource's `podMonitorSelector`. @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A probe on one of the runtime's HTTP endpoints. */
export interface ProbeOptions {
  /** Path probed. @default '/readyz' */
  readonly path?: string;
  /** Seconds between probes. @default 1 */
  readonly periodSeconds?: number;
  /** Failures before the container is restarted. @default 30 */
  readonly failureThreshold?: number;
  /** Seconds one probe may take. @default 1 */
  readonly timeoutSeconds?: number;
}

/** One route of the Service's traffic: a tag gives a revision its own URL. */
export interface TrafficTarget {
  /** Tag, a DNS label: the revision is reachable at `<tag>-<service>.<domain>`. @default null */
  readonly tag?: string | null;
  /** Revision the route points at; null: the latest ready revision. @default null */
  readonly revisionName?: string | null;
  /** Share of the traffic, 0–100; all targets sum to 100. */
  readonly percent: number;
}

/** Metrics the autoscaler scales on: KPA takes concurrency or rps, HPA cpu or memory. */
export type AutoscalingMetric = 'concurrency' | 'rps' | 'cpu' | 'memory';

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
  /** How long the last pod stays after the autoscaler decided to scale to zero, in seconds. @default 0 */
  readonly scaleToZeroPodRetentionSeconds?: number;
  /** Soft target per replica the autoscaler aims for (in units of `metric`). @default 100 */
  readonly target?: number;
  /** Share of `target` the autoscaler aims at, 1–100 (percent). @default 70 */
  readonly targetUtilizationPercentage?: number;
  /** Metric the autoscaler scales on; null: concurrency for KPA, cpu for HPA. @default null */
  readonly metric?: AutoscalingMetric | null;
  /** Stable window the autoscaler averages over, 6–3600 seconds. @default 60 */
  readonly windowSeconds?: number;
  /** Panic window as a share of the stable window, 1–100 (percent). @default 10 */
  readonly panicWindowPercentage?: number;
  /** Replicas a revision scales to when it leaves zero (at least 1). @default 1 */
  readonly activationScale?: number;
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
  /** A startup probe (restarts a container that never gets ready); null: none. @default null */
  readonly startupProbe?: ProbeOptions | null;
  /** Seconds the function may take to send the first byte of a response; null: the cluster's. @default null */
  readonly responseStartTimeoutSeconds?: number | null;
  /** Seconds a response may go without sending bytes; null: the cluster's. @default null */
  readonly idleTimeoutSeconds?: number | null;
  /** Traffic routes with tags; [] sends all traffic to the latest revision. @default [] */
  readonly traffic?: readonly TrafficTarget[];
  /** Environment variables: a literal string, or `{ secretKeyRef }` / `{ configMapKeyRef }`. @default {} */
  readonly env?: Readonly<Record<string, EnvValue>>;
  /** Whole Secrets or ConfigMaps as environment variables. @default [] */
  readonly envFrom?: readonly EnvFromSource[];
  /** Volumes mounted into the container: Secrets, ConfigMaps, emptyDirs. @default [] */
  readonly volumes?: readonly VolumeOptions[];
  /** Kubernetes service account the pods run as; null: the namespace's default. @default null */
  readonly serviceAccountName?: string | null;
  /** Prometheus scrape annotations on the pods; null writes none. @default null */
  readonly scrape?: ScrapeOptions | null;
  /** A Prometheus Operator `PodMonitor` to write to `knative/podmonitor.yaml`; null writes none. @default null */
  readonly podMonitor?: PodMonitorOptions | null;
  /** When the node pulls the image. @default 'IfNotPresent' */
  readonly imagePullPolicy?: ImagePullPolicy;
  /** An Eventing `Trigger` to write to `knative/trigger.yaml`; null writes none. @default null */
  readonly trigger?: TriggerOptions | null;
  /** An Eventing `SinkBinding` to write to `knative/sinkbinding.yaml`; null writes none. @default null */
  readonly sinkBinding?: SinkBindingOptions | null;
  /** An Eventing `Broker` to write to `knative/broker.yaml`; null writes none. @default null */
  readonly broker?: BrokerOptions | null;
  /** A warm-up `PingSource` to write to `knative/pingsource.yaml`; null writes none. @default null */
  readonly warmUp?: WarmUpOptions | null;
}

/** The defaults of {@link KnativeOptions}; `name` and `image` derive from the package. */
export const defaultKnativeOptions = {
  namespace: null,
  autoscalingClass: 'kpa.autoscaling.knative.dev',
  minScale: 0,
  maxScale: 0,
  initialScale: 1,
  scaleDownDelaySeconds: 0,
  scaleToZeroPodRetentionSeconds: 0,
  target: 100,
  targetUtilizationPercentage: 70,
  metric: null,
  windowSeconds: 60,
  panicWindowPercentage: 10,
  activationScale: 1,
  containerConcurrency: 0,
  cpuRequest: '100m',
  cpuLimit: '1',
  memoryRequest: '128Mi',
  memoryLimit: '256Mi',
  timeoutSeconds: 300,
  port: 8080,
  readinessPath: '/readyz',
  livenessPath: '/healthz',
  startupProbe: null,
  responseStartTimeoutSeconds: null,
  idleTimeoutSeconds: null,
  traffic: [],
  env: {},
  envFrom: [],
  volumes: [],
  serviceAccountName: null,
  scrape: null,
  podMonitor: null,
  imagePullPolicy: 'IfNotPresent',
  trigger: null,
  sinkBinding: null,
  broker: null,
  warmUp: null,
} as const satisfies Omit<Required<KnativeOptions>, 'name' | 'image'>;

/** A Trigger's or Broker's settings resolved, its delivery too. */
export type ResolvedDelivering<T extends { readonly delivery?: DeliveryOptions | null }> = Required<
  Omit<T, 'delivery'>
> & { readonly delivery: Required<DeliveryOptions> | null };

/** Every setting resolved. */
export interface ResolvedKnativeOptions extends Required<
  Omit<
    KnativeOptions,
    'trigger' | 'sinkBinding' | 'broker' | 'warmUp' | 'scrape' | 'podMonitor' | 'startupProbe' | 'traffic'
  >
> {
  readonly trigger: ResolvedDelivering<TriggerOptions> | null;
  readonly sinkBinding: Required<SinkBindingOptions> | null;
  readonly broker: ResolvedDelivering<BrokerOptions> | null;
  readonly warmUp: Required<WarmUpOptions> | null;
  readonly scrape: Required<ScrapeOptions> | null;
  readonly podMonitor: Required<PodMonitorOptions> | null;
  readonly startupProbe: Required<ProbeOptions> | null;
  readonly traffic: readonly Required<TrafficTarget>[];
}
