import { expect, it } from 'vitest';
import { runBench } from '../src/bench.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

it('sends a burst of concurrent requests at spawn and times each from spawn against the objective', async () => {
  const variant = {
    ...fixtureVariant('cold', 'ready-after-delay.mjs', { LISTEN_DELAY_MS: '250' }),
    baseline: true,
  };
  const result = await runBench(
    { variants: [variant], options: {} },
    { runs: 2, warmupRuns: 0, burst: 8, sloMs: 100, timeoutMs: 8000 },
    { handleSignals: false },
  );
  for (const run of result.runs) {
    expect(run.ok).toBe(true);
    expect(run.burst).toHaveLength(8);
    for (const request of run.burst!) {
      expect(request.status).toBe(200);
      // Nobody can be answered before the server listens, 250 ms after its own start.
      expect(request.latencyMs).toBeGreaterThanOrEqual(250);
    }
    expect(run.listeningMs).toBeGreaterThanOrEqual(250);
    expect(isGone(run.pid!)).toBe(true);
  }
  const burst = result.summary.variants[0]?.burst;
  expect(burst).toMatchObject({ requests: 16, answered: 16, sloMs: 100 });
  // Every request took over 250 ms from spawn, so every one missed a 100 ms objective.
  expect(burst?.sloMisses).toBe(16);
});
