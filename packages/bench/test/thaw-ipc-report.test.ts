import { expect, it } from 'vitest';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

it("keeps a thaw function's startup report from IPC and places it on the harness's timeline", async () => {
  const record = await runColdStart(
    fixtureVariant('thaw', 'thaw-ipc.mjs', { READY_DELAY_MS: '250' }, { http: '/readyz' }),
    { iteration: 0, warmup: false },
    { timeoutMs: 8000 },
  );
  expect(record.ok).toBe(true);
  const runtime = record.runtime!;
  const m = runtime.report.milestones;
  // The completed report (thaw:startup) replaces the thaw:ready one.
  expect(m.firstResponseMs).toBeDefined();
  expect(m.readyMs).toBeGreaterThanOrEqual(250);
  expect(runtime.readyMessageMs).toBeGreaterThanOrEqual(250);
  expect(runtime.report.pid).toBe(record.pid);
  // The process starts after spawn, and the probe cannot see ready before the process is.
  expect(runtime.processStartMs).toBeGreaterThanOrEqual(0);
  expect(runtime.processStartMs).toBeLessThan(2000);
  expect(record.readyMs).toBeGreaterThanOrEqual(runtime.processStartMs! + m.readyMs! - 1);
  expect(isGone(record.pid!)).toBe(true);
});
