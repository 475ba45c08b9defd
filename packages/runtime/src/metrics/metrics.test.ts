import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { lifecycle, resetLifecycleForTesting, routeFor, wrapInvocations } from '../lifecycle.ts';
import { recordMark, resetMarksForTesting } from '../startup/marks.ts';
import { countInvocation, invocationCount } from './invocation-count.ts';
import { defaultMetricsOptions, installMetrics, metricsContentType, renderMetrics } from './metrics.ts';

describe('Prometheus metrics', () => {
  afterEach(() => {
    resetMarksForTesting();
    resetLifecycleForTesting();
  });

  it('serves on the default path when no path is given', () => {
    installMetrics();
    expect(lifecycle().routes).toEqual([defaultMetricsOptions.path]);
    expect(defaultMetricsOptions).toEqual({ path: '/metrics' });
  });

  it('renders start time, phase durations, milestones, invocations and resource gauges', () => {
    resetMarksForTesting();
    recordMark('init: "db"', 10, 35.5);
    recordMark('init: "db"', 40, 41);
    recordMark('ready', 50);
    const stats = new Map([
      ['pg', () => ({ total: 3, idle: 2 })],
      [
        'broken',
        () => {
          throw new Error('gone');
        },
      ],
    ]);
    const text = renderMetrics(stats, 1_700_000_000_123);
    const lines = text.split('\n');
    expect(lines).toContain('# TYPE process_start_time_seconds gauge');
    expect(lines).toContain('process_start_time_seconds 1700000000.123');
    expect(lines).toContain('thaw_startup_phase_seconds{phase="init: \\"db\\""} 0.0255');
    expect(lines.filter((line) => line.startsWith('thaw_startup_phase_seconds{phase="init'))).toHaveLength(1);
    expect(lines.some((line) => line.startsWith('thaw_startup_phase_seconds{phase="node: v8 start"} '))).toBe(
      true,
    );
    expect(lines).toContain('thaw_startup_milestone_seconds{milestone="ready"} 0.05');
    expect(lines).toContain('# TYPE thaw_invocations_total counter');
    expect(lines).toContain(`thaw_invocations_total ${invocationCount()}`);
    expect(lines).toContain('thaw_resource_stat{resource="pg",stat="total"} 3');
    expect(lines).toContain('thaw_resource_stat{resource="pg",stat="idle"} 2');
    expect(text).not.toContain('broken');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('serves the metrics on /metrics with the invocations the core counted, adding no invocation wrapper', async () => {
    installMetrics();
    expect(lifecycle().invocationWrappers).toBe(0);
    countInvocation();
    const response = await routeFor('/metrics')!();
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(metricsContentType);
    expect(response.body).toContain(`thaw_invocations_total ${invocationCount()}\n`);
  });

  it('leaves an existing invocation wrapper in place', async () => {
    wrapInvocations((_info, run) => run());
    installMetrics({ path: '/internal/metrics' });
    expect(lifecycle().invocationWrappers).toBe(1);
    expect(lifecycle().routes).toContain('/internal/metrics');
    expect(await routeFor('/internal/metrics')!()).toMatchObject({ status: 200 });
  });

  it('rejects a path that is not an absolute path, naming the option', () => {
    expect(() => {
      installMetrics({ path: 'metrics' });
    }).toThrow(ConfigError);
    expect(() => {
      installMetrics({ path: '/metrics?x' });
    }).toThrow('Invalid path: received "/metrics?x"');
  });
});
