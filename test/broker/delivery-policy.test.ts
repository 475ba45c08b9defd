import { describe, expect, it } from 'vitest';
import { backoffMs, deliveryPolicy, isRetryable } from '../support/broker/delivery-policy.ts';
import { isoDurationMs } from '../support/broker/iso-duration.ts';
import { matches } from '../support/broker/triggers.ts';

describe('the broker’s retry rules, as Knative’s', () => {
  it('retries 404, 408, 409, 429, every 5xx, timeouts and refused connections', () => {
    for (const status of [404, 408, 409, 429, 500, 502, 503, 504, 599])
      expect(isRetryable({ status }), String(status)).toBe(true);
    expect(isRetryable({ failure: 'timeout' })).toBe(true);
    expect(isRetryable({ failure: 'connection' })).toBe(true);
  });

  it('does not retry any other 4xx, nor 3xx', () => {
    for (const status of [400, 401, 403, 405, 410, 413, 415, 422, 301, 302])
      expect(isRetryable({ status }), String(status)).toBe(false);
  });

  it('waits backoffDelay × 2^(n−1) before retry n when exponential, × (n−1) when linear', () => {
    const exponential = deliveryPolicy(
      { retry: 4, backoffPolicy: 'exponential', backoffDelay: 'PT0.5S' },
      't',
    );
    expect([1, 2, 3, 4].map((n) => backoffMs(exponential, n))).toEqual([500, 1_000, 2_000, 4_000]);
    const linear = deliveryPolicy({ retry: 3, backoffPolicy: 'linear', backoffDelay: 'PT2S' }, 't');
    expect([1, 2, 3].map((n) => backoffMs(linear, n))).toEqual([0, 2_000, 4_000]);
  });

  it('has no backoff unless both the policy and the delay are given, and no retries without retry', () => {
    expect(backoffMs(deliveryPolicy({ retry: 2, backoffDelay: 'PT1S' }, 't'), 2)).toBe(0);
    expect(deliveryPolicy({ backoffPolicy: 'linear', backoffDelay: 'PT1S' }, 't').retry).toBe(0);
    expect(deliveryPolicy(undefined, 't')).toMatchObject({ retry: 0, deadLetterSink: undefined });
  });

  it('reads the dead-letter sink as a ref or a uri, and the per-attempt timeout', () => {
    const policy = deliveryPolicy(
      {
        retry: 1,
        timeout: 'PT3S',
        deadLetterSink: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'dls' } },
      },
      't',
    );
    expect(policy).toMatchObject({
      timeoutMs: 3_000,
      deadLetterSink: { ref: { kind: 'Service', name: 'dls' } },
    });
    expect(deliveryPolicy({ deadLetterSink: { uri: 'http://dls.example' } }, 't').deadLetterSink).toEqual({
      uri: 'http://dls.example',
    });
    expect(() => deliveryPolicy({ retry: -1 }, 'Trigger x.spec')).toThrow(
      'Trigger x.spec.delivery.retry must be an integer ≥ 0',
    );
    expect(() => deliveryPolicy({ backoffPolicy: 'fibonacci' }, 't')).toThrow('exponential or linear');
  });

  it('reads ISO 8601 durations of weeks to fractions of seconds, and refuses anything else', () => {
    expect(isoDurationMs('PT0.5S')).toBe(500);
    expect(isoDurationMs('PT1M30S')).toBe(90_000);
    expect(isoDurationMs('P1DT2H')).toBe(93_600_000);
    expect(isoDurationMs('P1W')).toBe(604_800_000);
    for (const bad of ['P', 'PT', '0.5S', 'P1M', 'PT-1S', '1s'])
      expect(() => isoDurationMs(bad), bad).toThrow('ISO 8601');
  });
});

describe('Trigger filters', () => {
  it('match when every filter attribute equals the event’s, extensions included', () => {
    const event = {
      type: 'OrderRiskAssessed',
      source: '/functions/order-risk',
      riskdecision: 'approved',
      id: '1',
    };
    expect(matches({}, event)).toBe(true);
    expect(matches({ type: 'OrderRiskAssessed', riskdecision: 'approved' }, event)).toBe(true);
    expect(matches({ type: 'OrderRiskAssessed', riskdecision: 'rejected' }, event)).toBe(false);
    expect(matches({ type: 'orderriskassessed' }, event)).toBe(false);
    expect(matches({ subject: 'o-1' }, event)).toBe(false);
  });
});
