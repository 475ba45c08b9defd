// The sections of the Knative settings that are objects of their own: each resolved with its
// defaults, unknown keys refused, and checked.
import { SlimConfigError } from '../errors.ts';
import { checkCron } from './cron.ts';
import { resolveDelivery } from './delivery.ts';
import { checkDnsLabel, checkInteger, checkObjectName } from './known-keys.ts';
import { checkKnownKeys } from '../validators.ts';
import type {
  BrokerOptions,
  PodMonitorOptions,
  ProbeOptions,
  ResolvedDelivering,
  ScrapeOptions,
  TrafficTarget,
  WarmUpOptions,
} from './options.ts';

/** The Broker section resolved; its name defaults to the trigger's broker. */
export function resolveBroker(
  broker: BrokerOptions | null,
  triggerBroker: string | undefined,
): ResolvedDelivering<BrokerOptions> | null {
  if (broker === null) return null;
  checkKnownKeys(broker, ['name', 'class', 'delivery'], 'knative.broker');
  const resolved = {
    name: broker.name ?? triggerBroker ?? 'default',
    class: broker.class ?? 'MTChannelBasedBroker',
    delivery: resolveDelivery(broker.delivery, 'knative.broker.delivery'),
  };
  checkDnsLabel('knative.broker.name', resolved.name);
  if (typeof resolved.class !== 'string' || resolved.class === '') {
    throw new SlimConfigError(
      'knative.broker.class',
      resolved.class,
      'a broker class such as "MTChannelBasedBroker"',
    );
  }
  return resolved;
}

/** The warm-up PingSource section resolved: a cron schedule, a time zone and a path. */
export function resolveWarmUp(warmUp: WarmUpOptions | null, service: string): Required<WarmUpOptions> | null {
  if (warmUp === null) return null;
  checkKnownKeys(warmUp, ['name', 'schedule', 'timezone', 'path'], 'knative.warmUp');
  const resolved = {
    name: warmUp.name ?? `${service}-warmup`,
    schedule: warmUp.schedule ?? '*/5 * * * *',
    timezone: warmUp.timezone ?? null,
    path: warmUp.path ?? '/_thaw/warmup',
  };
  checkDnsLabel('knative.warmUp.name', resolved.name);
  checkCron('knative.warmUp.schedule', resolved.schedule);
  if (
    resolved.timezone !== null &&
    (typeof resolved.timezone !== 'string' || !validTimeZone(resolved.timezone))
  ) {
    throw new SlimConfigError(
      'knative.warmUp.timezone',
      resolved.timezone,
      'an IANA time zone such as "Europe/Berlin", or null',
    );
  }
  checkPath('knative.warmUp.path', resolved.path);
  return resolved;
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The scrape-annotation section resolved. */
export function resolveScrape(scrape: ScrapeOptions | null): Required<ScrapeOptions> | null {
  if (scrape === null) return null;
  checkKnownKeys(scrape, ['path'], 'knative.scrape');
  const resolved = { path: scrape.path ?? '/metrics' };
  checkPath('knative.scrape.path', resolved.path);
  return resolved;
}

// The prometheus-operator's `Duration` (monitoring.coreos.com/v1), as its CRDs pattern it.
const operatorDuration =
  /^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$/;
const labelKey = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** The PodMonitor section resolved. */
export function resolvePodMonitor(
  podMonitor: PodMonitorOptions | null,
  service: string,
): Required<PodMonitorOptions> | null {
  if (podMonitor === null) return null;
  checkKnownKeys(podMonitor, ['name', 'path', 'interval', 'labels'], 'knative.podMonitor');
  const resolved = {
    name: podMonitor.name ?? `${service}-metrics`,
    path: podMonitor.path ?? '/metrics',
    interval: podMonitor.interval ?? '30s',
    labels: podMonitor.labels ?? {},
  };
  checkDnsLabel('knative.podMonitor.name', resolved.name);
  checkPath('knative.podMonitor.path', resolved.path);
  if (
    typeof resolved.interval !== 'string' ||
    resolved.interval === '0' ||
    !operatorDuration.test(resolved.interval)
  ) {
    throw new SlimConfigError(
      'knative.podMonitor.interval',
      resolved.interval,
      'a Prometheus duration above zero, such as "30s", "1m" or "1m30s"',
    );
  }
  if (typeof resolved.labels !== 'object' || Array.isArray(resolved.labels)) {
    throw new SlimConfigError('knative.podMonitor.labels', resolved.labels, 'an object of label → value');
  }
  for (const [key, value] of Object.entries(resolved.labels)) {
    if (!labelKey.test(key)) {
      throw new SlimConfigError(
        `knative.podMonitor.labels`,
        key,
        'Kubernetes label keys (an optional DNS prefix and "/", then at most 63 letters, digits, "-", "_" or ".")',
      );
    }
    if (typeof value !== 'string' || !labelValue.test(value)) {
      throw new SlimConfigError(
        `knative.podMonitor.labels.${key}`,
        value,
        'a Kubernetes label value: at most 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
      );
    }
  }
  return resolved;
}

/** The startup probe resolved; it probes the readiness path unless told otherwise. */
export function resolveProbe(
  probe: ProbeOptions | null,
  readinessPath: string,
): Required<ProbeOptions> | null {
  if (probe === null) return null;
  checkKnownKeys(
    probe,
    ['path', 'periodSeconds', 'failureThreshold', 'timeoutSeconds'],
    'knative.startupProbe',
  );
  const resolved = {
    path: probe.path ?? readinessPath,
    periodSeconds: probe.periodSeconds ?? 1,
    failureThreshold: probe.failureThreshold ?? 30,
    timeoutSeconds: probe.timeoutSeconds ?? 1,
  };
  checkPath('knative.startupProbe.path', resolved.path);
  checkInteger('knative.startupProbe.periodSeconds', resolved.periodSeconds, 1);
  checkInteger('knative.startupProbe.failureThreshold', resolved.failureThreshold, 1);
  checkInteger('knative.startupProbe.timeoutSeconds', resolved.timeoutSeconds, 1);
  return resolved;
}

/** The traffic routes resolved: unique tags, percents that sum to 100. */
export function resolveTraffic(traffic: readonly TrafficTarget[]): readonly Required<TrafficTarget>[] {
  if (!Array.isArray(traffic))
    throw new SlimConfigError('knative.traffic', traffic, 'an array of { tag, revisionName, percent }');
  const tags = new Set<string>();
  const resolved = traffic.map((target: TrafficTarget, i) => {
    const where = `knative.traffic[${i}]`;
    checkKnownKeys(target, ['tag', 'revisionName', 'percent'], where);
    const t = { tag: target.tag ?? null, revisionName: target.revisionName ?? null, percent: target.percent };
    if (t.tag !== null) {
      checkDnsLabel(`${where}.tag`, t.tag);
      if (tags.has(t.tag)) throw new SlimConfigError(`${where}.tag`, t.tag, 'a tag no other route has');
      tags.add(t.tag);
    }
    if (t.revisionName !== null) checkObjectName(`${where}.revisionName`, t.revisionName);
    checkInteger(`${where}.percent`, t.percent, 0, 100);
    return t;
  });
  const sum = resolved.reduce((total, t) => total + t.percent, 0);
  if (resolved.length > 0 && sum !== 100) {
    throw new SlimConfigError(
      'knative.traffic',
      resolved.map((t) => t.percent),
      `percents that sum to 100 (they sum to ${sum})`,
    );
  }
  return resolved;
}

/** Refuses a value that is not an absolute path. */
export function checkPath(option: string, value: unknown): void {
  if (typeof value !== 'string' || !value.startsWith('/') || /[?#\s]/.test(value)) {
    throw new SlimConfigError(
      option,
      value,
      'an absolute path without query, fragment or spaces, such as "/metrics"',
    );
  }
}
