import { expect, it } from 'vitest';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

// The fixture listens 150 ms and turns ready 400 ms after its own process start, which is after
// spawn: so the harness must see at least those delays. The upper bounds are generous because
// the machine is shared; they only catch a harness that waits far too long.
it('measures listening and ready times that bracket the delays the server was built with', async () => {
  const variant = fixtureVariant(
    'delayed',
    'ready-after-delay.mjs',
    { LISTEN_DELAY_MS: '150', READY_DELAY_MS: '400' },
    { http: '/readyz' },
  );
  const record = await runColdStart(variant, { iteration: 0, warmup: false }, { timeoutMs: 8000 });
  expect(record.ok).toBe(true);
  expect(record.listeningMs).toBeGreaterThanOrEqual(150);
  expect(record.listeningMs).toBeLessThan(150 + 2500);
  expect(record.readyMs).toBeGreaterThanOrEqual(400);
  expect(record.readyMs).toBeLessThan(400 + 2500);
  expect(record.firstResponseMs).toBeGreaterThanOrEqual(record.readyMs!);
  expect(record.firstResponseStatus).toBe(200);
  expect(record.rssBytes).toBeGreaterThan(5 * 1024 * 1024);
  expect(record.cpuMs).toBeGreaterThanOrEqual(0);
  expect(record.exit).toEqual({ code: 0, signal: null, beforeKill: false });
  expect(isGone(record.pid!)).toBe(true);
});

it('counts a tcp-ready variant as ready the moment its port accepts', async () => {
  const variant = fixtureVariant('tcp', 'ready-after-delay.mjs', {
    LISTEN_DELAY_MS: '200',
    READY_DELAY_MS: '5000',
  });
  const record = await runColdStart(variant, { iteration: 0, warmup: false }, { timeoutMs: 8000 });
  expect(record.ok).toBe(true);
  expect(record.readyMs).toBe(record.listeningMs);
  expect(record.listeningMs).toBeGreaterThanOrEqual(200);
  expect(record.listeningMs).toBeLessThan(200 + 2500);
  expect(isGone(record.pid!)).toBe(true);
});
