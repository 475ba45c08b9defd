// The autoscaling annotations are free-form strings in Knative's CRDs; the autoscaler's webhook
// checks them against documented ranges only at admission. thaw checks them when the config is
// given, with the ranges of knative.dev/docs/serving/autoscaling.
import { SlimConfigError } from '../errors.ts';
import type { ResolvedKnativeOptions } from './options.ts';

const hour = 3600;
const prefix = 'autoscaling.knative.dev/';
const metricsByClass: Readonly<Record<string, readonly string[]>> = {
  'kpa.autoscaling.knative.dev': ['concurrency', 'rps'],
  'hpa.autoscaling.knative.dev': ['cpu', 'memory'],
};

function numberIn(option: string, annotation: string, value: unknown, min: number, max: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new SlimConfigError(option, value, `a number from ${min} to ${max} (${annotation})`);
  }
}

// An integer setting written into an annotation: the error names the annotation, and the unit
// when the annotation carries one (Knative writes those as durations such as "60s").
function integerIn(
  option: string,
  annotation: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  unit = '',
): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    const where = unit === '' ? annotation : `${unit}, ${annotation}`;
    throw new SlimConfigError(option, value, `${range} (${where})`);
  }
}

/**
 * Checks the autoscaling settings against Knative's documented ranges and units; the error
 * names the setting, its annotation, the value and what is allowed.
 *
 * @example
 * ```ts
 * checkAutoscaling(resolved); // throws SlimConfigError for windowSeconds: 3
 * ```
 */
export function checkAutoscaling(s: ResolvedKnativeOptions): void {
  integerIn('knative.minScale', `${prefix}min-scale`, s.minScale, 0);
  integerIn('knative.maxScale', `${prefix}max-scale`, s.maxScale, 0);
  integerIn('knative.initialScale', `${prefix}initial-scale`, s.initialScale, 0);
  if (typeof s.target !== 'number' || !Number.isFinite(s.target) || s.target <= 0) {
    throw new SlimConfigError('knative.target', s.target, `a number > 0 (${prefix}target)`);
  }
  integerIn(
    'knative.scaleDownDelaySeconds',
    `${prefix}scale-down-delay`,
    s.scaleDownDelaySeconds,
    0,
    hour,
    'seconds',
  );
  integerIn(
    'knative.scaleToZeroPodRetentionSeconds',
    `${prefix}scale-to-zero-pod-retention-period`,
    s.scaleToZeroPodRetentionSeconds,
    0,
    Number.MAX_SAFE_INTEGER,
    'seconds',
  );
  integerIn('knative.windowSeconds', `${prefix}window`, s.windowSeconds, 6, hour, 'seconds');
  integerIn('knative.activationScale', `${prefix}activation-scale`, s.activationScale, 1);
  numberIn(
    'knative.targetUtilizationPercentage',
    `${prefix}target-utilization-percentage`,
    s.targetUtilizationPercentage,
    1,
    100,
  );
  numberIn(
    'knative.panicWindowPercentage',
    `${prefix}panic-window-percentage`,
    s.panicWindowPercentage,
    1,
    100,
  );
  const metrics = metricsByClass[s.autoscalingClass] ?? [];
  if (s.metric !== null && !metrics.includes(s.metric)) {
    throw new SlimConfigError(
      'knative.metric',
      s.metric,
      `one of ${metrics.join(', ')} for knative.autoscalingClass ${s.autoscalingClass}, or null (${prefix}metric)`,
    );
  }
  if (s.maxScale > 0 && s.activationScale > s.maxScale) {
    throw new SlimConfigError(
      'knative.activationScale',
      s.activationScale,
      `at most knative.maxScale (${s.maxScale})`,
    );
  }
}

/**
 * The revision template's `autoscaling.knative.dev/*` annotations. Settings left at Knative's
 * own defaults are still written, so the manifest says what the revision runs with.
 *
 * @example
 * ```ts
 * autoscalingAnnotations(resolved)['autoscaling.knative.dev/window']; // '60s'
 * ```
 */
export function autoscalingAnnotations(s: ResolvedKnativeOptions): Record<string, string> {
  const kpa = s.autoscalingClass === 'kpa.autoscaling.knative.dev';
  const a: Record<string, string> = {
    'autoscaling.knative.dev/class': s.autoscalingClass,
    'autoscaling.knative.dev/min-scale': String(s.minScale),
    'autoscaling.knative.dev/max-scale': String(s.maxScale),
    'autoscaling.knative.dev/initial-scale': String(s.initialScale),
    'autoscaling.knative.dev/activation-scale': String(s.activationScale),
    'autoscaling.knative.dev/scale-down-delay': `${s.scaleDownDelaySeconds}s`,
    'autoscaling.knative.dev/metric': s.metric ?? (kpa ? 'concurrency' : 'cpu'),
    'autoscaling.knative.dev/target': String(s.target),
    'autoscaling.knative.dev/target-utilization-percentage': String(s.targetUtilizationPercentage),
  };
  // The windows and the scale-to-zero retention are the KPA's; the HPA ignores them.
  if (kpa) {
    a['autoscaling.knative.dev/window'] = `${s.windowSeconds}s`;
    a['autoscaling.knative.dev/panic-window-percentage'] = String(s.panicWindowPercentage);
    a['autoscaling.knative.dev/scale-to-zero-pod-retention-period'] = `${s.scaleToZeroPodRetentionSeconds}s`;
  }
  return a;
}
