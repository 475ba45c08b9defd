import { expect, it } from 'vitest';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

it('records a process that crashes during start as a failed run with its exit code and stderr tail', async () => {
  const started = performance.now();
  const record = await runColdStart(
    fixtureVariant('crashy', 'crash.mjs', { CRASH_DELAY_MS: '100' }),
    { iteration: 0, warmup: false },
    { timeoutMs: 8000 },
  );
  expect(record.ok).toBe(false);
  expect(record.failure?.code).toBe('THAW_BENCH_EXITED');
  expect(record.failure?.message).toMatch(
    /^Variant "crashy" exited with code 3 before its port \d+ opened\.$/,
  );
  expect(record.failure?.stderrTail).toContain('fatal: could not connect to the database at startup');
  expect(record.exit).toEqual({ code: 3, signal: null, beforeKill: true });
  // The crash is noticed when it happens, not at the timeout.
  expect(performance.now() - started).toBeLessThan(6000);
  expect(isGone(record.pid!)).toBe(true);
});
