import { describe, expect, test } from 'vitest';
import { SlimConfigError } from '../errors.ts';
import { cronProblem } from './cron.ts';
import type { KnativeOptions } from './options.ts';
import { resolveKnativeOptions } from './resolve.ts';

function refusal(options: KnativeOptions): SlimConfigError {
  try {
    resolveKnativeOptions(options, 'checkout');
  } catch (error) {
    if (error instanceof SlimConfigError) return error;
    throw error;
  }
  throw new Error('the settings were accepted');
}

describe('autoscaling annotations are checked against Knative’s documented ranges and units', () => {
  test.each([
    [
      { windowSeconds: 5 },
      'knative.windowSeconds',
      'an integer from 6 to 3600 (seconds, autoscaling.knative.dev/window)',
    ],
    [
      { windowSeconds: 3601 },
      'knative.windowSeconds',
      'an integer from 6 to 3600 (seconds, autoscaling.knative.dev/window)',
    ],
    [
      { scaleDownDelaySeconds: 7200 },
      'knative.scaleDownDelaySeconds',
      'an integer from 0 to 3600 (seconds, autoscaling.knative.dev/scale-down-delay)',
    ],
    [
      { scaleToZeroPodRetentionSeconds: -1 },
      'knative.scaleToZeroPodRetentionSeconds',
      'an integer ≥ 0 (seconds, autoscaling.knative.dev/scale-to-zero-pod-retention-period)',
    ],
    [{ maxScale: 1.5 }, 'knative.maxScale', 'an integer ≥ 0 (autoscaling.knative.dev/max-scale)'],
    [{ initialScale: -2 }, 'knative.initialScale', 'an integer ≥ 0 (autoscaling.knative.dev/initial-scale)'],
    [{ target: 0 }, 'knative.target', 'a number > 0 (autoscaling.knative.dev/target)'],
    [
      { targetUtilizationPercentage: 0 },
      'knative.targetUtilizationPercentage',
      'a number from 1 to 100 (autoscaling.knative.dev/target-utilization-percentage)',
    ],
    [
      { panicWindowPercentage: 150 },
      'knative.panicWindowPercentage',
      'a number from 1 to 100 (autoscaling.knative.dev/panic-window-percentage)',
    ],
    [
      { activationScale: 0 },
      'knative.activationScale',
      'an integer ≥ 1 (autoscaling.knative.dev/activation-scale)',
    ],
    [
      { metric: 'cpu' },
      'knative.metric',
      'one of concurrency, rps for knative.autoscalingClass kpa.autoscaling.knative.dev, or null',
    ],
  ] as const)('%j is refused', (options, option, allowed) => {
    const error = refusal(options);
    expect(error.option).toBe(option);
    expect(error.message).toContain(`received ${JSON.stringify(Object.values(options)[0])}`);
    expect(error.message).toContain(`expected ${allowed}`);
  });

  test('the HPA class takes cpu or memory, and the KPA-only windows are left out of its manifest', () => {
    const s = resolveKnativeOptions(
      { autoscalingClass: 'hpa.autoscaling.knative.dev', metric: 'memory' },
      'x',
    );
    expect(s.metric).toBe('memory');
    expect(refusal({ autoscalingClass: 'hpa.autoscaling.knative.dev', metric: 'rps' }).option).toBe(
      'knative.metric',
    );
  });
});

describe('secrets, config and volumes', () => {
  test('a secret reference without a Secret name names the field', () => {
    const error = refusal({ env: { DATABASE_URL: { secretKeyRef: { name: '', key: 'url' } } } });
    expect(error.option).toBe('knative.env.DATABASE_URL.secretKeyRef.name');
    expect(error.message).toContain('the name of the Secret or ConfigMap holding the value');
  });

  test('a literal value with credentials in it is refused, and the message does not repeat them', () => {
    const error = refusal({ env: { DATABASE_URL: 'postgres://app:s3cret@db:5432/shop' } });
    expect(error.option).toBe('knative.env.DATABASE_URL');
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('secretKeyRef');
  });

  test('both kinds of reference at once, an unknown key in a reference, and a volume without a source', () => {
    expect(
      refusal({
        env: {
          A: { secretKeyRef: { name: 'a', key: 'b' }, configMapKeyRef: { name: 'a', key: 'b' } },
        },
      }).message,
    ).toContain('exactly one of secretKeyRef or configMapKeyRef');
    expect(
      refusal({ env: { A: { secretKeyRef: { name: 'a', key: 'b', value: 'x' } as never } } }).option,
    ).toBe('knative.env.A.secretKeyRef.value');
    expect(refusal({ volumes: [{ name: 'v', mountPath: '/v' }] }).message).toContain(
      'exactly one of secret, configMap or emptyDir',
    );
    expect(
      refusal({
        volumes: [
          { name: 'v', mountPath: '/v', secret: 's' },
          { name: 'v', mountPath: '/w', secret: 's' },
        ],
      }).option,
    ).toBe('knative.volumes[1].name');
    expect(refusal({ volumes: [{ name: 'tmp', mountPath: '/scratch', emptyDir: {} }] }).option).toBe(
      'knative.volumes[0].name',
    );
    expect(refusal({ volumes: [{ name: 'mine', mountPath: '/tmp', emptyDir: {} }] }).option).toBe(
      'knative.volumes[0].mountPath',
    );
    expect(refusal({ envFrom: [{ secretRef: 'Bad_Name' }] }).option).toBe('knative.envFrom[0].secretRef');
    expect(refusal({ serviceAccountName: 'Not Valid' }).option).toBe('knative.serviceAccountName');
  });
});

describe('eventing, warm-up and traffic', () => {
  test('a PingSource schedule that is not cron names the field and the problem', () => {
    const error = refusal({ warmUp: { schedule: 'every 5 minutes' } });
    expect(error.option).toBe('knative.warmUp.schedule');
    expect(error.message).toContain('a cron schedule such as "*/5 * * * *"');
    expect(refusal({ warmUp: { schedule: '61 * * * *' } }).message).toContain('outside 0–59');
    expect(refusal({ warmUp: { timezone: 'Mars/Olympus' } }).option).toBe('knative.warmUp.timezone');
  });

  test('cron schedules the PingSource parser accepts are accepted', () => {
    for (const schedule of [
      '*/5 * * * *',
      '0 9-17 * * MON-FRI',
      '15,45 */2 1 JAN,jul *',
      '@hourly',
      '@every 90s',
    ]) {
      expect({ schedule, problem: cronProblem(schedule) }).toEqual({ schedule, problem: null });
    }
  });

  test('a delivery with a bad backoff, a negative retry or a dead-letter sink with both forms', () => {
    expect(refusal({ trigger: { delivery: { backoffDelay: '500ms' } } }).message).toBe(
      'Invalid knative.trigger.delivery.backoffDelay: received "500ms"; expected an ISO 8601 duration such as "PT0.2S" or "PT1M".',
    );
    expect(refusal({ trigger: { delivery: { retry: -1 } } }).option).toBe('knative.trigger.delivery.retry');
    expect(refusal({ broker: { delivery: { backoffPolicy: 'random' as 'linear' } } }).option).toBe(
      'knative.broker.delivery.backoffPolicy',
    );
    expect(
      refusal({ trigger: { delivery: { deadLetterSink: { uri: 'http://x/', ref: {} } as never } } }).option,
    ).toBe('knative.trigger.delivery.deadLetterSink');
    expect(refusal({ trigger: { delivery: { retries: 3 } as never } }).option).toBe(
      'knative.trigger.delivery.retries',
    );
  });

  test('traffic that does not sum to 100, a duplicate tag, and timeouts beyond the request timeout', () => {
    expect(refusal({ traffic: [{ tag: 'a', percent: 50 }] }).message).toContain(
      'sum to 100 (they sum to 50)',
    );
    expect(
      refusal({
        traffic: [
          { tag: 'a', percent: 50 },
          { tag: 'a', revisionName: 'r', percent: 50 },
        ],
      }).option,
    ).toBe('knative.traffic[1].tag');
    expect(refusal({ timeoutSeconds: 60, idleTimeoutSeconds: 120 }).message).toContain(
      'at most knative.timeoutSeconds (60)',
    );
    expect(refusal({ startupProbe: { failureThreshold: 0 } }).option).toBe(
      'knative.startupProbe.failureThreshold',
    );
  });

  test('an unknown key anywhere is refused with the valid ones', () => {
    expect(refusal({ minscale: 1 } as never).message).toContain('valid ones are: name, image, namespace');
    expect(refusal({ warmUp: { cron: '* * * * *' } as never }).option).toBe('knative.warmUp.cron');
    expect(refusal({ scrape: { port: 9090 } as never }).option).toBe('knative.scrape.port');
  });
});
