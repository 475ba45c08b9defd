import { SlimConfigError } from '../errors.ts';
import { parseQuantity } from './quantity.ts';
import { checkAutoscaling } from './autoscaling.ts';
import { resolveDelivery } from './delivery.ts';
import { checkEnv, checkEnvFrom, checkVolumes } from './env.ts';
import { checkInteger, checkObjectName } from './known-keys.ts';
import { checkKnownKeys } from '../validators.ts';
import {
  resolveBroker,
  resolvePodMonitor,
  resolveProbe,
  resolveScrape,
  resolveTraffic,
  resolveWarmUp,
} from './resolve-sections.ts';
import {
  defaultKnativeOptions,
  type KnativeOptions,
  type ResolvedDelivering,
  type ResolvedKnativeOptions,
  type SinkBindingOptions,
  type TriggerOptions,
} from './options.ts';

const dnsLabel = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const autoscalingClasses = ['kpa.autoscaling.knative.dev', 'hpa.autoscaling.knative.dev'];
const pullPolicies = ['Always', 'IfNotPresent', 'Never'];

/**
 * The Knative service name a package name becomes: scope dropped, lower-cased, anything outside
 * `[a-z0-9-]` turned into `-`.
 *
 * @example
 * ```ts
 * serviceNameFor('@acme/Order_Check'); // 'order-check'
 * ```
 */
export function serviceNameFor(packageName: string): string {
  const bare = packageName.replace(/^@[^/]+\//, '').toLowerCase();
  const cleaned = bare
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+$/, '')
    .slice(0, 63);
  return cleaned === '' ? 'function' : cleaned;
}

/**
 * Every Knative setting resolved with its default and checked, so a cluster never sees a
 * manifest it would reject: the error names the setting, the value and what is allowed.
 *
 * @example
 * ```ts
 * const settings = resolveKnativeOptions({ minScale: 1 }, '@acme/checkout');
 * settings.name; // 'checkout'
 * ```
 */
export function resolveKnativeOptions(options: KnativeOptions, packageName: string): ResolvedKnativeOptions {
  checkKnownKeys(options, ['name', 'image', ...Object.keys(defaultKnativeOptions)], 'knative');
  const d = defaultKnativeOptions;
  const name = options.name ?? serviceNameFor(packageName);
  const resolved: ResolvedKnativeOptions = {
    name,
    namespace: options.namespace ?? d.namespace,
    image: options.image ?? `${name}:latest`,
    autoscalingClass: options.autoscalingClass ?? d.autoscalingClass,
    minScale: options.minScale ?? d.minScale,
    maxScale: options.maxScale ?? d.maxScale,
    initialScale: options.initialScale ?? d.initialScale,
    scaleDownDelaySeconds: options.scaleDownDelaySeconds ?? d.scaleDownDelaySeconds,
    scaleToZeroPodRetentionSeconds:
      options.scaleToZeroPodRetentionSeconds ?? d.scaleToZeroPodRetentionSeconds,
    target: options.target ?? d.target,
    targetUtilizationPercentage: options.targetUtilizationPercentage ?? d.targetUtilizationPercentage,
    metric: options.metric ?? d.metric,
    windowSeconds: options.windowSeconds ?? d.windowSeconds,
    panicWindowPercentage: options.panicWindowPercentage ?? d.panicWindowPercentage,
    activationScale: options.activationScale ?? d.activationScale,
    containerConcurrency: options.containerConcurrency ?? d.containerConcurrency,
    cpuRequest: options.cpuRequest ?? d.cpuRequest,
    cpuLimit: options.cpuLimit ?? d.cpuLimit,
    memoryRequest: options.memoryRequest ?? d.memoryRequest,
    memoryLimit: options.memoryLimit ?? d.memoryLimit,
    timeoutSeconds: options.timeoutSeconds ?? d.timeoutSeconds,
    port: options.port ?? d.port,
    readinessPath: options.readinessPath ?? d.readinessPath,
    livenessPath: options.livenessPath ?? d.livenessPath,
    startupProbe: resolveProbe(
      options.startupProbe ?? d.startupProbe,
      options.readinessPath ?? d.readinessPath,
    ),
    responseStartTimeoutSeconds: options.responseStartTimeoutSeconds ?? d.responseStartTimeoutSeconds,
    idleTimeoutSeconds: options.idleTimeoutSeconds ?? d.idleTimeoutSeconds,
    traffic: resolveTraffic(options.traffic ?? d.traffic),
    env: options.env ?? d.env,
    envFrom: options.envFrom ?? d.envFrom,
    volumes: options.volumes ?? d.volumes,
    serviceAccountName: options.serviceAccountName ?? d.serviceAccountName,
    scrape: resolveScrape(options.scrape ?? d.scrape),
    podMonitor: resolvePodMonitor(options.podMonitor ?? d.podMonitor, name),
    imagePullPolicy: options.imagePullPolicy ?? d.imagePullPolicy,
    trigger: resolveTrigger(options.trigger ?? d.trigger, name),
    sinkBinding: resolveSinkBinding(options.sinkBinding ?? d.sinkBinding, name),
    broker: resolveBroker(options.broker ?? d.broker, options.trigger?.broker),
    warmUp: resolveWarmUp(options.warmUp ?? d.warmUp, name),
  };
  check(resolved);
  return resolved;
}

function resolveTrigger(
  trigger: TriggerOptions | null,
  service: string,
): ResolvedDelivering<TriggerOptions> | null {
  if (trigger === null) return null;
  checkKnownKeys(trigger, ['name', 'broker', 'filter', 'delivery'], 'knative.trigger');
  return {
    name: trigger.name ?? `${service}-trigger`,
    broker: trigger.broker ?? 'default',
    filter: trigger.filter ?? {},
    delivery: resolveDelivery(trigger.delivery, 'knative.trigger.delivery'),
  };
}

function resolveSinkBinding(
  binding: SinkBindingOptions | null,
  service: string,
): Required<SinkBindingOptions> | null {
  if (binding === null) return null;
  return {
    name: binding.name ?? `${service}-sinkbinding`,
    sinkUri: binding.sinkUri ?? null,
    sinkRef: binding.sinkRef ?? null,
  };
}

const field = (key: string): string => `knative.${key}`;

// The checks run in this order, so the first bad setting named is always the same one.
function check(s: ResolvedKnativeOptions): void {
  checkIdentity(s);
  checkScale(s);
  checkContainer(s);
  checkEnvironment(s);
  checkTimeoutsAndPull(s);
  if (s.trigger !== null) checkTrigger(s.trigger);
  if (s.sinkBinding !== null) checkSinkBinding(s.sinkBinding);
}

/** Name, namespace, image and autoscaler class. */
function checkIdentity(s: ResolvedKnativeOptions): void {
  if (!dnsLabel.test(s.name)) {
    throw new SlimConfigError(
      field('name'),
      s.name,
      'a DNS-1035 label: lower-case letters, digits and "-", at most 63',
    );
  }
  if (s.namespace !== null && !dnsLabel.test(s.namespace)) {
    throw new SlimConfigError(field('namespace'), s.namespace, 'a DNS label or null');
  }
  if (s.image.trim() === '' || /\s/.test(s.image)) {
    throw new SlimConfigError(field('image'), s.image, 'an image reference without spaces');
  }
  if (!autoscalingClasses.includes(s.autoscalingClass)) {
    throw new SlimConfigError(
      field('autoscalingClass'),
      s.autoscalingClass,
      `one of ${autoscalingClasses.join(', ')}`,
    );
  }
}

/** Scale bounds, concurrency and the autoscaling target, alone and against each other. */
function checkScale(s: ResolvedKnativeOptions): void {
  // The scales and the target are annotations: checkAutoscaling() checks their ranges first.
  checkAutoscaling(s);
  integerAtLeast(field('containerConcurrency'), s.containerConcurrency, 0);
  integerAtLeast(field('timeoutSeconds'), s.timeoutSeconds, 1);
  if (s.maxScale > 0 && s.minScale > s.maxScale) {
    throw new SlimConfigError(field('minScale'), s.minScale, `at most knative.maxScale (${s.maxScale})`);
  }
  if (s.maxScale > 0 && s.initialScale > s.maxScale) {
    throw new SlimConfigError(
      field('initialScale'),
      s.initialScale,
      `at most knative.maxScale (${s.maxScale})`,
    );
  }
  if (s.containerConcurrency > 0 && s.target > s.containerConcurrency) {
    throw new SlimConfigError(
      field('target'),
      s.target,
      `at most knative.containerConcurrency (${s.containerConcurrency})`,
    );
  }
}

/** Port, resource requests against limits, probe paths. */
function checkContainer(s: ResolvedKnativeOptions): void {
  integerAtLeast(field('port'), s.port, 1);
  if (s.port > 65535) throw new SlimConfigError(field('port'), s.port, 'an integer from 1 to 65535');
  for (const [request, limit] of [
    ['cpuRequest', 'cpuLimit'],
    ['memoryRequest', 'memoryLimit'],
  ] as const) {
    const r = quantity(field(request), s[request]);
    const l = quantity(field(limit), s[limit]);
    if (l < r)
      throw new SlimConfigError(
        field(limit),
        s[limit],
        `a quantity at least knative.${request} (${s[request]})`,
      );
  }
  for (const key of ['readinessPath', 'livenessPath'] as const) {
    if (typeof s[key] !== 'string' || !s[key].startsWith('/')) {
      throw new SlimConfigError(field(key), s[key], 'a path starting with "/"');
    }
  }
}

/** Environment, env sources, volumes and the service account. */
function checkEnvironment(s: ResolvedKnativeOptions): void {
  checkEnv(s.env);
  if (s.warmUp !== null && 'THAW_WARMUP_PATH' in s.env) {
    throw new SlimConfigError(
      'knative.env.THAW_WARMUP_PATH',
      s.env['THAW_WARMUP_PATH'],
      'no value: knative.warmUp.path sets it',
    );
  }
  checkEnvFrom(s.envFrom);
  // The runtime's own /tmp volume is always there.
  checkVolumes(s.volumes, ['tmp'], ['/tmp']);
  if (s.serviceAccountName !== null) checkObjectName(field('serviceAccountName'), s.serviceAccountName);
}

/** Request timeouts (each at most timeoutSeconds) and the image pull policy. */
function checkTimeoutsAndPull(s: ResolvedKnativeOptions): void {
  for (const key of ['responseStartTimeoutSeconds', 'idleTimeoutSeconds'] as const) {
    const value = s[key];
    if (value !== null) {
      checkInteger(field(key), value, 1);
      if (value > s.timeoutSeconds) {
        throw new SlimConfigError(field(key), value, `at most knative.timeoutSeconds (${s.timeoutSeconds})`);
      }
    }
  }
  if (!pullPolicies.includes(s.imagePullPolicy)) {
    throw new SlimConfigError(
      field('imagePullPolicy'),
      s.imagePullPolicy,
      `one of ${pullPolicies.join(', ')}`,
    );
  }
}

function checkTrigger(t: ResolvedDelivering<TriggerOptions>): void {
  if (!dnsLabel.test(t.name)) throw new SlimConfigError('knative.trigger.name', t.name, 'a DNS-1035 label');
  if (typeof t.broker !== 'string' || t.broker === '') {
    throw new SlimConfigError('knative.trigger.broker', t.broker, 'a broker name');
  }
  for (const [key, value] of Object.entries(t.filter)) {
    if (!/^[a-z0-9]{1,20}$/.test(key)) {
      throw new SlimConfigError(
        `knative.trigger.filter.${key}`,
        key,
        'a CloudEvents attribute name: lower-case letters and digits, at most 20',
      );
    }
    if (typeof value !== 'string')
      throw new SlimConfigError(`knative.trigger.filter.${key}`, value, 'a string');
  }
}

function checkSinkBinding(b: Required<SinkBindingOptions>): void {
  if (!dnsLabel.test(b.name))
    throw new SlimConfigError('knative.sinkBinding.name', b.name, 'a DNS-1035 label');
  if ((b.sinkUri === null) === (b.sinkRef === null)) {
    throw new SlimConfigError(
      'knative.sinkBinding',
      { sinkUri: b.sinkUri, sinkRef: b.sinkRef },
      'exactly one of sinkUri or sinkRef',
    );
  }
  if (b.sinkUri !== null && !URL.canParse(b.sinkUri)) {
    throw new SlimConfigError('knative.sinkBinding.sinkUri', b.sinkUri, 'an absolute URI');
  }
  if (b.sinkRef !== null) {
    for (const key of ['apiVersion', 'kind', 'name'] as const) {
      if (typeof b.sinkRef[key] !== 'string' || b.sinkRef[key] === '') {
        throw new SlimConfigError(`knative.sinkBinding.sinkRef.${key}`, b.sinkRef[key], 'a non-empty string');
      }
    }
  }
}

function integerAtLeast(option: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new SlimConfigError(option, value, `an integer ≥ ${min}`);
  }
}

function quantity(option: string, value: unknown): number {
  const parsed = typeof value === 'string' ? parseQuantity(value) : undefined;
  if (parsed === undefined)
    throw new SlimConfigError(option, value, 'a Kubernetes quantity such as "250m", "1", "128Mi"');
  return parsed;
}
