import { describe, expect, it } from 'vitest';
import { lifecycle, type InvocationInfo } from '../lifecycle.ts';
import { installTracing } from './install.ts';
import { invocationCount } from '../metrics/invocation-count.ts';
import { installMetrics } from '../metrics/metrics.ts';

const info: InvocationInfo = {
  invocationId: 'i',
  coldStart: true,
  trigger: 'http',
  method: 'GET',
  target: '/',
  headers: {},
};

describe('installTracing', () => {
  it('wires the invocation wrapper, an after-ready step and a flusher, once per process, in place of the metrics counter', async () => {
    const hooks = lifecycle();
    installMetrics();
    const order: string[] = [];
    installTracing({ serviceName: 'svc', env: {} });
    installTracing({ serviceName: 'svc', env: {} });
    expect(hooks.afterReady.map((entry) => entry.name)).toEqual(['tracing']);
    expect(hooks.flushers.map((entry) => entry.name)).toEqual(['tracing']);
    const before = invocationCount();
    const outcome = await hooks.invocationWrapper!(info, () => {
      order.push('run');
      return Promise.resolve({ status: 200 });
    });
    expect(outcome).toEqual({ status: 200 });
    expect(order).toEqual(['run']);
    const metrics = await hooks.routes.get('/metrics')!();
    expect(metrics.body).toContain(`thaw_invocations_total ${before + 1}\n`);
  });

  it('validates its options before wiring anything', () => {
    const key: unique symbol = Symbol.for('thaw.runtime.tracing');
    const fresh = globalThis as { [key]?: unknown };
    const installed = fresh[key];
    fresh[key] = undefined;
    try {
      expect(() => {
        installTracing({ serviceName: 'svc', env: { THAW_OTEL_IDLE_DELAY_MS: 'soon' } });
      }).toThrow('Invalid THAW_OTEL_IDLE_DELAY_MS: received "soon"');
      expect(fresh[key]).toBeUndefined();
    } finally {
      fresh[key] = installed;
    }
  });
});
