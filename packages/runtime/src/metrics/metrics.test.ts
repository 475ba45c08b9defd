import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.ts';
import { lifecycle, resetLifecycleForTesting, routeFor, wrapInvocations } from '../lifecycle.ts';
import { recordMark, resetMarksForTesting } from '../startup/marks.ts';
import { countInvocation, invocationCount } from './invocation-count.ts';
import { collectMetrics, defaultMetricsOptions, installMetrics, metricsContentType } from './metrics.ts';
import { renderMetrics as renderSnapshot } from './render.ts';

const renderMetrics = (input: Parameters<typeof collectMetrics>[0]): string =>
  renderSnapshot(collectMetrics(input));
import {
  observeDuration,
  requestMetrics,
  resetRequestMetricsForTesting,
  statusClassOf,
} from './request-metrics.ts';

/** Every sample of the page, as `name{labels}` → value, checking the text format on the way. */
function parse(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Map<string, string>();
  for (const line of text.trimEnd().split('\n')) {
    const type = /^# TYPE (\S+) (gauge|counter|histogram)$/.exec(line);
    if (type !== null) {
      expect(typed.has(type[1]!), `${type[1]} declared twice`).toBe(false);
      typed.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)$/.exec(line);
    expect(sample, `not a sample line: ${line}`).not.toBeNull();
    const [, name, labelText = '', value] = sample!;
    const family = typed.has(name!) ? name! : name!.replace(/_(bucket|sum|count)$/, '');
    expect(typed.has(family), `${name} has no TYPE`).toBe(true);
    if (typed.get(family) === 'counter') expect(name!.endsWith('_total')).toBe(true);
    const key = `${name}${labelText}`;
    expect(samples.has(key), `${key} appears twice`).toBe(false);
    samples.set(key, value === '+Inf' ? Infinity : Number(value));
  }
  return samples;
}

describe('Prometheus metrics', () => {
  afterEach(() => {
    resetMarksForTesting();
    resetLifecycleForTesting();
    resetRequestMetricsForTesting();
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
      ['pool:main', () => ({ size: 3, idle: 2, borrowed: 1, waiting: 0, max: 10, min: 0 })],
      [
        'broken',
        () => {
          throw new Error('gone');
        },
      ],
    ]);
    const text = renderMetrics({ stats, timeOrigin: 1_700_000_000_123, memoryLimitBytes: undefined });
    const samples = parse(text);
    expect(samples.get('process_start_time_seconds')).toBe(1700000000.123);
    expect(samples.get('thaw_startup_phase_seconds{phase="init: \\"db\\""}')).toBe(0.0255);
    expect(samples.get('thaw_startup_phase_seconds{phase="node: v8 start"}')).toBeGreaterThanOrEqual(0);
    expect(samples.get('thaw_startup_milestone_seconds{milestone="ready"}')).toBe(0.05);
    expect(samples.get('thaw_invocations_total')).toBe(invocationCount());
    expect(samples.get('thaw_resource_stat{resource="pool:main",stat="total"}')).toBeUndefined();
    expect(samples.get('thaw_resource_stat{resource="pool:main",stat="idle"}')).toBe(2);
    expect(samples.get('thaw_pool_borrowed{pool="main"}')).toBe(1);
    expect(samples.get('thaw_pool_max{pool="main"}')).toBe(10);
    expect(text).not.toContain('broken');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('renders exactly the metric families the README table documents', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('### Prometheus `/metrics`'),
      readme.indexOf('#### Scraping'),
    );
    const documented = [...section.matchAll(/^\| `([a-z_:]+)(?:\{[^`]*\})?` +\| (\w+) /gm)].map(
      ([, name, type]) => `${name} ${type}`,
    );
    const text = renderMetrics({ stats: new Map(), memoryLimitBytes: 1 });
    const rendered = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map(([, name, type]) => `${name} ${type}`);
    expect(rendered.sort()).toEqual(documented.sort());
    // Prometheus conventions, and nothing in the namespaces of Knative's queue-proxy and activator.
    for (const family of rendered.map((entry) => entry.split(' ') as [string, string])) {
      const [name, type] = family;
      expect(name, name).toMatch(/^(thaw|process|nodejs)_[a-z_]+$/);
      expect(name, name).not.toMatch(/^(revision|queue|activator|kn|autoscaler)_/);
      if (type === 'counter') expect(name, name).toMatch(/_total$/);
      if (name.endsWith('_seconds') || name.endsWith('_bytes'))
        expect(['gauge', 'histogram']).toContain(type);
    }
  });

  it('reports process memory and CPU, and the memory limit when one is known', () => {
    const without = parse(renderMetrics({ stats: new Map(), memoryLimitBytes: undefined }));
    expect(without.get('process_resident_memory_bytes')).toBeGreaterThan(1_000_000);
    expect(without.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(without.get('process_cpu_seconds_total')).toBeGreaterThan(0);
    expect(without.get('process_cpu_seconds_total')).toBeCloseTo(
      without.get('process_cpu_user_seconds_total')! + without.get('process_cpu_system_seconds_total')!,
      2,
    );
    expect(without.has('thaw_memory_limit_bytes')).toBe(false);
    const limited = parse(renderMetrics({ stats: new Map(), memoryLimitBytes: 536_870_912 }));
    expect(limited.get('thaw_memory_limit_bytes')).toBe(536_870_912);
  });

  it('counts the cold start and times ready and the first response once each reached', () => {
    const before = parse(renderMetrics({ stats: new Map(), memoryLimitBytes: undefined }));
    expect(before.get('thaw_cold_starts_total')).toBe(0);
    expect(before.get('thaw_cold_start_duration_seconds_count{until="ready"}')).toBe(0);
    expect(before.get('thaw_cold_start_duration_seconds_count{until="first_response"}')).toBe(0);
    recordMark('ready', 420);
    recordMark('first response', 1_700);
    const after = parse(renderMetrics({ stats: new Map(), memoryLimitBytes: undefined }));
    expect(after.get('thaw_cold_starts_total')).toBe(1);
    expect(after.get('thaw_cold_start_duration_seconds_sum{until="ready"}')).toBe(0.42);
    expect(after.get('thaw_cold_start_duration_seconds_bucket{until="ready",le="0.25"}')).toBe(0);
    expect(after.get('thaw_cold_start_duration_seconds_bucket{until="ready",le="0.5"}')).toBe(1);
    expect(after.get('thaw_cold_start_duration_seconds_bucket{until="first_response",le="1"}')).toBe(0);
    expect(after.get('thaw_cold_start_duration_seconds_bucket{until="first_response",le="2.5"}')).toBe(1);
    expect(after.get('thaw_cold_start_duration_seconds_bucket{until="first_response",le="+Inf"}')).toBe(1);
  });

  it('keeps a cumulative request histogram per trigger and status class', () => {
    const metrics = requestMetrics();
    observeDuration(metrics, 'http', statusClassOf(200), 0.003);
    observeDuration(metrics, 'http', statusClassOf(204), 0.2);
    observeDuration(metrics, 'http', statusClassOf(503), 12);
    observeDuration(metrics, 'cloudevent', statusClassOf(202), 0.0005);
    const samples = parse(renderMetrics({ stats: new Map(), memoryLimitBytes: undefined }));
    const ok = (le: string): number | undefined =>
      samples.get(`thaw_request_duration_seconds_bucket{trigger="http",status_class="2xx",le="${le}"}`);
    expect([ok('0.001'), ok('0.005'), ok('0.1'), ok('0.25'), ok('+Inf')]).toEqual([0, 1, 1, 2, 2]);
    expect(samples.get('thaw_request_duration_seconds_count{trigger="http",status_class="2xx"}')).toBe(2);
    expect(samples.get('thaw_request_duration_seconds_sum{trigger="http",status_class="2xx"}')).toBeCloseTo(
      0.203,
    );
    expect(
      samples.get('thaw_request_duration_seconds_bucket{trigger="http",status_class="5xx",le="10"}'),
    ).toBe(0);
    expect(samples.get('thaw_request_duration_seconds_count{trigger="http",status_class="5xx"}')).toBe(1);
    expect(
      samples.get('thaw_request_duration_seconds_bucket{trigger="cloudevent",status_class="2xx",le="0.001"}'),
    ).toBe(1);
    expect(statusClassOf(99)).toBe('other');
  });

  it('serves the page on /metrics, loading the renderer on the first scrape, with the invocations the core counted', async () => {
    installMetrics();
    expect(requestMetrics().enabled).toBe(true);
    expect(lifecycle().invocationWrappers).toBe(0);
    countInvocation();
    const response = await routeFor('/metrics')!();
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe(metricsContentType);
    expect(parse(response.body).get('thaw_invocations_total')).toBe(invocationCount());
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
    expect(requestMetrics().enabled).toBe(false);
  });
});
