import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from '../../packages/runtime/test/support/fixture-process.ts';
import { watchReadiness, type ProbeResult } from '../../packages/bench/src/knative/prober.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';
import { summarize } from './support/stats.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'busy.ts');
const loadGenerator = join(import.meta.dirname, 'support', 'load-generator.ts');

// Probes readiness as Knative's queue-proxy does (the bench package's prober: a fresh connection
// every 50 ms, 100 ms timeout) until `stopWhen` says stop; resolves every probe's latency and result.
async function probe(
  port: number,
  stopWhen: (result: ProbeResult, elapsedMs: number) => boolean,
): Promise<{ latencies: number[]; results: ProbeResult[] }> {
  const latencies: number[] = [];
  const results: ProbeResult[] = [];
  const started = performance.now();
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  const watch = watchReadiness({
    port,
    probe: { httpGet: { path: '/readyz' } },
    onProbe: (result, latencyMs) => {
      latencies.push(latencyMs);
      results.push(result);
      if (stopWhen(result, performance.now() - started)) stop();
    },
  });
  const bound = setTimeout(stop, 30_000);
  await stopped;
  clearTimeout(bound);
  await watch.stop();
  return { latencies, results };
}

// 100 keep-alive clients (in a process of their own) for 3.5 s while readiness is probed.
async function probeUnderLoad(
  port: number,
  burnMs: number,
  waitMs: readonly [number, number],
): Promise<{ latencies: number[]; results: ProbeResult[]; handled: number; failed: number }> {
  const generator = spawn(
    process.execPath,
    [
      '--no-warnings',
      loadGenerator,
      String(port),
      '100',
      '3500',
      String(burnMs),
      String(waitMs[0]),
      String(waitMs[1]),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  generator.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  const done = new Promise<void>((resolve) => {
    generator.once('close', () => {
      resolve();
    });
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, 300));
    const probed = await probe(port, (_result, elapsedMs) => elapsedMs > 2_500);
    await done;
    const counts = JSON.parse(out) as { ok: number; failed: number };
    return { ...probed, handled: counts.ok, failed: counts.failed };
  } finally {
    if (generator.exitCode === null && generator.signalCode === null) generator.kill('SIGKILL');
    await done;
  }
}

describe('readiness under pressure', () => {
  let child: FixtureProcess | undefined;
  afterEach(async () => {
    await child?.stop();
  });

  it(
    'answers /readyz quickly while critical init runs and while the handler is saturated',
    { timeout: 120_000 },
    async () => {
      const runs = byForm(1, 5);
      const duringInit: number[] = [];
      const duringLoad: number[] = [];
      const duringCpuLoad: number[] = [];
      let handled = 0;
      for (let run = 0; run < runs; run += 1) {
        child = startFixture(fixture, { env: { INIT_MS: '3000', BURN_MS: '1', WAIT_MS: '20' } });
        const port = await child.port;
        const init = await probe(port, (result) => result === 'ok');
        expect(init.results.at(-1)).toBe('ok');
        expect(init.results.filter((result) => result !== 'ok').length).toBeGreaterThan(10);
        duringInit.push(...init.latencies.slice(0, -1));

        const busy = await probeUnderLoad(port, 0.2, [100, 300]);
        handled += busy.handled;
        expect(busy.failed).toBe(0);
        // Every probe answered ready (a late one times out: counted in the figures, see README).
        expect(busy.results.filter((result) => result === 'failed')).toEqual([]);
        duringLoad.push(...busy.latencies);
        const cpu = await probeUnderLoad(port, 2, [10, 30]);
        duringCpuLoad.push(...cpu.latencies);
        await child.stop();
        child = undefined;
      }
      const init = summarize(duringInit);
      const load = summarize(duringLoad);
      recordFigures('4. readiness under pressure', runs, {
        duringCriticalInitMs: init,
        duringSaturatedHandlerMs: load,
        saturation:
          '100 clients, each request 0.2 ms of CPU then 100-300 ms of I/O: 100 in flight at all times',
        duringCpuSaturationMs: summarize(duringCpuLoad),
        cpuSaturation:
          '100 clients, each request 2 ms of CPU then 10-30 ms of I/O: more CPU than the process has; probes queue behind requests (reported, not asserted)',
        probesOver100Ms: [...duringInit, ...duringLoad].filter((ms) => ms > 100).length,
        handlerRequestsServedDuringLoad: handled,
        probing:
          "Knative's: a fresh connection every 50 ms, 100 ms timeout (a timed-out probe counts its 100 ms)",
        target:
          'p99 < 20 ms, max < 100 ms; the contract and the comparison with a bare server: probes-knative.test.ts',
      });
      // The typical probe, with room for the shared machine (its p50 moved from 2 to 21 ms with
      // the load of other jobs); the 100 ms contract, judged against a bare server in the same
      // run, is probes-knative.test.ts's.
      expect(init.p50).toBeLessThan(50);
      expect(load.p50).toBeLessThan(50);
    },
  );
});
