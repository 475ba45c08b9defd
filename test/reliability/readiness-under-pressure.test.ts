import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from '../../packages/runtime/test/support/fixture-process.ts';
import { sendRequest } from './support/http-outcome.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';
import { summarize } from './support/stats.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'busy.ts');
const loadGenerator = join(import.meta.dirname, 'support', 'load-generator.ts');

// Probes readiness every 10 ms (on one keep-alive connection, as the kubelet does not: a fresh
// connection each time is what a probe does) until `until` says stop; resolves the latencies.
async function probe(
  port: number,
  until: (status: number | undefined) => boolean,
): Promise<{ latencies: number[]; statuses: number[] }> {
  const latencies: number[] = [];
  const statuses: number[] = [];
  for (let round = 0; round < 2_000; round += 1) {
    const outcome = await sendRequest({ port, path: '/readyz', timeoutMs: 5_000 });
    latencies.push((outcome.headersAt ?? outcome.endAt) - outcome.sentAt);
    statuses.push(outcome.status ?? 0);
    if (until(outcome.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return { latencies, statuses };
}

// 100 keep-alive clients (in a process of their own) for 3.5 s while readiness is probed.
async function probeUnderLoad(
  port: number,
  burnMs: number,
  waitMs: readonly [number, number],
): Promise<{ latencies: number[]; statuses: number[]; handled: number; failed: number }> {
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
    const started = performance.now();
    const probed = await probe(port, () => performance.now() - started > 2_500);
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
        const init = await probe(port, (status) => status === 200);
        expect(init.statuses.at(-1)).toBe(200);
        expect(init.statuses.filter((status) => status === 503).length).toBeGreaterThan(10);
        duringInit.push(...init.latencies.slice(0, -1));

        const busy = await probeUnderLoad(port, 0.2, [100, 300]);
        handled += busy.handled;
        expect(busy.failed).toBe(0);
        expect(busy.statuses.every((status) => status === 200)).toBe(true);
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
        target: 'p99 < 20 ms, max < 100 ms',
      });
      // The targets are reported as figures; the assertion leaves room for a loaded machine.
      expect(init.p99).toBeLessThan(250);
      expect(load.p99).toBeLessThan(250);
    },
  );
});
