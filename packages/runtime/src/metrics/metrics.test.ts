import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { lifecycle, type InvocationWrapper } from '../lifecycle.ts';
import { recordMark, resetMarksForTesting } from '../startup/marks.ts';
import { invocationCount } from './invocation-count.ts';
import {
  defaultMetricsOptions,
  installMetrics,
  isCountingWrapper,
  metricsContentType,
  renderMetrics,
} from './metrics.ts';

const info = {
  invocationId: 'i',
  coldStart: true,
  trigger: 'http' as const,
  method: 'GET',
  target: '/',
  headers: {},
};

describe('Prometheus metrics', () => {
  afterEach(() => {
    resetMarksForTesting();
    const hooks = lifecycle();
    hooks.routes.clear();
    hooks.invocationWrapper = undefined;
  });

  it('has the default path the JSDoc documents', () => {
    const source = readFileSync(new URL('./metrics.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/@default '\/metrics'\n\s+\*\/\n\s+readonly path\?: string;/);
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

  it('serves the metrics on /metrics and counts invocations when no tracing wrapper is set', async () => {
    installMetrics();
    const hooks = lifecycle();
    const wrapper = hooks.invocationWrapper!;
    expect(isCountingWrapper(wrapper)).toBe(true);
    const before = invocationCount();
    await expect(wrapper(info, () => Promise.resolve({ status: 204 }))).resolves.toEqual({ status: 204 });
    expect(invocationCount()).toBe(before + 1);
    const response = await hooks.routes.get('/metrics')!();
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(metricsContentType);
    expect(response.body).toContain(`thaw_invocations_total ${before + 1}\n`);
  });

  it('leaves an existing invocation wrapper in place', () => {
    const existing = lifecycle();
    const wrapper: InvocationWrapper = (_info, run) => run();
    existing.invocationWrapper = wrapper;
    installMetrics({ path: '/internal/metrics' });
    expect(existing.invocationWrapper).toBe(wrapper);
    expect(existing.routes.has('/internal/metrics')).toBe(true);
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
