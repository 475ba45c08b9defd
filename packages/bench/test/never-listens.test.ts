import { expect, it } from 'vitest';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

it('fails a process that never opens its port at the timeout, shows its stderr, and kills it even when it ignores SIGTERM', async () => {
  const started = performance.now();
  const record = await runColdStart(
    fixtureVariant('stuck', 'never-listen.mjs', { IGNORE_SIGTERM: '1' }),
    { iteration: 0, warmup: false },
    { timeoutMs: 700, killGraceMs: 300 },
  );
  const elapsed = performance.now() - started;
  expect(record.ok).toBe(false);
  expect(record.failure?.code).toBe('THAW_BENCH_PORT_NEVER_OPENED');
  expect(record.failure?.message).toContain('never accepted connections on port');
  expect(record.failure?.message).toContain('within 700 ms');
  expect(record.failure?.stderrTail).toContain('still loading configuration...');
  expect(record.exit?.signal).toBe('SIGKILL');
  expect(elapsed).toBeGreaterThanOrEqual(700);
  expect(elapsed).toBeLessThan(700 + 300 + 5000);
  expect(isGone(record.pid!)).toBe(true);
});
