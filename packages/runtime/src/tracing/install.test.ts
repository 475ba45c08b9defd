import { describe, expect, it } from 'vitest';
import { invocationWrapper, lifecycle, releaseTracing, routeFor, type InvocationInfo } from '../lifecycle.ts';
import { installTracing } from './install.ts';
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
  it('wires the invocation wrapper, an after-ready step and a flusher, once per process, beside /metrics', async () => {
    installMetrics();
    const order: string[] = [];
    installTracing({ serviceName: 'svc', env: {} });
    installTracing({ serviceName: 'svc', env: {} });
    const hooks = lifecycle();
    expect(hooks.afterReady.map((entry) => entry.name)).toEqual(['tracing']);
    expect(hooks.flushers.map((entry) => entry.name)).toEqual(['tracing']);
    expect(hooks.invocationWrappers).toBe(1);
    const outcome = await invocationWrapper()!(info, () => {
      order.push('run');
      return Promise.resolve({ status: 200 });
    });
    expect(outcome).toEqual({ status: 200 });
    expect(order).toEqual(['run']);
    const metrics = await routeFor('/metrics')!();
    expect(metrics.body).toContain('thaw_invocations_total ');
  });

  it('validates its options before wiring anything', () => {
    releaseTracing();
    const before = lifecycle();
    expect(() => {
      installTracing({ serviceName: 'svc', env: { THAW_OTEL_IDLE_DELAY_MS: 'soon' } });
    }).toThrow('Invalid THAW_OTEL_IDLE_DELAY_MS: received "soon"');
    const after = lifecycle();
    expect([after.invocationWrappers, after.flushers.length]).toEqual([
      before.invocationWrappers,
      before.flushers.length,
    ]);
  });
});
