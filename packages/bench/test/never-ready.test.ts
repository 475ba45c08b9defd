import { expect, it } from 'vitest';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

it('fails a process that listens but whose readiness path never answers 200, naming the last probe answer', async () => {
  const record = await runColdStart(
    fixtureVariant('slow', 'ready-after-delay.mjs', { READY_DELAY_MS: '600000' }, { http: '/readyz' }),
    { iteration: 0, warmup: false },
    // Long enough that a loaded machine still starts Node and listens inside it: the point is
    // the readiness path that never turns 200, not how fast the port opens.
    { timeoutMs: 4000 },
  );
  expect(record.ok).toBe(false);
  expect(record.failure?.code).toBe('THAW_BENCH_NOT_READY');
  expect(record.failure?.message).toBe(
    'Variant "slow" listened but /readyz did not answer 200 within 4000 ms (last probe: HTTP 503).',
  );
  expect(record.listeningMs).toBeDefined();
  expect(record.readyMs).toBeUndefined();
  expect(isGone(record.pid!)).toBe(true);
});
