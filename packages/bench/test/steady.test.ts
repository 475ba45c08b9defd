import { expect, it } from 'vitest';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

it('measures warm latency with the requested number of requests after the first response', async () => {
  const variant = {
    ...fixtureVariant('warm', 'ready-after-delay.mjs'),
    steady: { requests: 40, concurrency: 4 },
  };
  const record = await runColdStart(variant, { iteration: 0, warmup: false }, { timeoutMs: 8000 });
  expect(record.ok).toBe(true);
  expect(record.steady?.errors).toBe(0);
  expect(record.steady?.latenciesMs).toHaveLength(40);
  for (const ms of record.steady!.latenciesMs) expect(ms).toBeGreaterThan(0);
  expect(isGone(record.pid!)).toBe(true);
});
