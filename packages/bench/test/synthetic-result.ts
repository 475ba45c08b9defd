// Results built from given run times, without processes: for tests of pure arithmetic and
// rendering (compare, reports).
import { type BenchResult } from '../src/bench.ts';
import { type VariantSpec } from '../src/config.ts';
import { type BenchOptions, resolveBenchOptions } from '../src/options.ts';
import { type RunRecord } from '../src/run-record.ts';
import { summarize } from '../src/summary.ts';

export function syntheticResult(
  timesByVariant: Record<string, readonly number[]>,
  options: BenchOptions = {},
  extra: (variant: string, i: number) => Partial<RunRecord> = () => ({}),
): BenchResult {
  const names = Object.keys(timesByVariant);
  const resolved = resolveBenchOptions({
    runs: Math.max(...names.map((n) => timesByVariant[n]!.length)),
    warmupRuns: 0,
    ...options,
  });
  const runs: RunRecord[] = names.flatMap((variant) =>
    timesByVariant[variant]!.map((ms, i) => ({
      variant,
      iteration: i,
      warmup: false,
      ok: true,
      port: 20000 + i,
      startedAt: '2026-01-01T00:00:00.000Z',
      listeningMs: ms / 2,
      readyMs: ms - 1,
      firstResponseMs: ms,
      rssBytes: 50 * 1024 * 1024,
      cpuMs: 40,
      ...extra(variant, i),
    })),
  );
  const variants: VariantSpec[] = names.map((name, i) => ({
    name,
    baseline: i === 0,
    command: ['node', `${name}.js`],
    cwd: process.cwd(),
    env: {},
    ready: 'tcp',
    request: { method: 'GET', path: '/', headers: {} },
  }));
  return {
    schema: 'thaw-bench-result',
    version: 1,
    startedAt: '2026-01-01T00:00:00.000Z',
    finishedAt: '2026-01-01T00:01:00.000Z',
    environment: {
      node: 'v24.21.0',
      platform: 'linux',
      arch: 'x64',
      cpus: 2,
      cpuModel: 'test',
      loadAverage: [0, 0, 0],
    },
    options: resolved,
    variants,
    runs,
    summary: summarize(runs, variants, resolved),
  };
}

/** 20 values spread evenly around `center` (center−2 … center+2). */
export const around = (center: number): number[] =>
  Array.from({ length: 20 }, (_, i) => center + (i % 5) - 2);
