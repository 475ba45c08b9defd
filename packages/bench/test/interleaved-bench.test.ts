import { expect, it } from 'vitest';
import { runBench } from '../src/bench.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

it('runs warm-ups first, interleaves variants, summarizes measured runs only, and leaves no process behind', async () => {
  const fast = {
    ...fixtureVariant('fast', 'ready-after-delay.mjs', { READY_DELAY_MS: '0' }, { http: '/readyz' }),
    baseline: true,
  };
  const slow = fixtureVariant(
    'slow',
    'ready-after-delay.mjs',
    { READY_DELAY_MS: '300' },
    { http: '/readyz' },
  );
  const events: string[] = [];
  const result = await runBench(
    { variants: [fast, slow], options: { runs: 3, warmupRuns: 1, timeoutMs: 8000 } },
    { cooldownMs: 10 },
    {
      onProgress: (e) => events.push(`${e.index}/${e.total}${e.record === undefined ? '' : ' done'}`),
      handleSignals: false,
    },
  );
  expect(result.runs.map((r) => `${r.warmup ? 'w:' : ''}${r.variant}`)).toEqual([
    'w:fast',
    'w:slow',
    'fast',
    'slow',
    'fast',
    'slow',
    'fast',
    'slow',
  ]);
  expect(events.slice(0, 2)).toEqual(['1/8', '1/8 done']);
  expect(result.options.cooldownMs).toBe(10);
  const [fastSummary, slowSummary] = result.summary.variants;
  expect(fastSummary?.n).toBe(3);
  expect(slowSummary?.n).toBe(3);
  expect(slowSummary?.metrics.readyMs?.distribution.min).toBeGreaterThanOrEqual(300);
  const readyComparison = result.summary.comparisons.find((c) => c.metric === 'readyMs');
  expect(readyComparison?.variant).toBe('slow');
  expect(readyComparison?.baseline).toBe('fast');
  expect(Number.isFinite(readyComparison?.ratio.estimate)).toBe(true);
  for (const run of result.runs) expect(isGone(run.pid!)).toBe(true);
});
