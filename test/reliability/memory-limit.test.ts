// Requests that allocate, against a function in a container limited to 128Mi (podman + runc,
// cgroup v1 here): with the memory guard on (memoryShedRatio 0.9, the default) the function
// answers the excess with 503s and is never OOM-killed, and every request it accepted completes;
// the same image with the guard off (THAW_MEMORY_SHED_RATIO=0) under the same load is killed by
// the kernel, restarted as a platform would, and every request in flight at each kill is lost.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePodman, type Container } from '../../packages/bench/src/index.ts';
import { freePort } from '../../packages/bench/src/free-port.ts';
import { releasePort } from '../../packages/bench/src/port-reservation.ts';
import { sendRequest, type HttpOutcome } from './support/http-outcome.ts';
import { fixtureImage, type FixtureImage } from './support/fixture-image.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';

const limitBytes = 128 * 2 ** 20;
const loadMs = byForm(8_000, 60_000);
const clients = 14;
// Each request builds 8 MiB and holds it a second: 14 at once need more than the limit has. The
// hold is long against the time to build the 8 MiB, so the requests overlap even when the
// machine gives the container little CPU and each build takes tens of milliseconds.
const holdMs = 1_000;
const requestPath = `/work?mib=8&ms=${holdMs}`;
// Clients start spread over one request's length, as traffic arriving over time does.
const rampMs = holdMs;
// A client stops after this many requests; every loop is bounded.
const maxRequestsPerClient = 400;

let built: FixtureImage | undefined;

beforeAll(async () => {
  requirePodman();
  built = await fixtureImage([join(import.meta.dirname, 'fixtures', 'memory-hungry.ts')]);
}, 300_000);

afterAll(async () => {
  await built?.dispose();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForReady(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const outcome = await sendRequest({ port, path: '/readyz', timeoutMs: 1_000 });
    if (outcome.status === 200) return;
    await sleep(50);
  }
  throw new Error(`The container on port ${port} was not ready within ${timeoutMs} ms.`);
}

interface LoadRun {
  readonly outcomes: HttpOutcome[];
  readonly oomKills: number;
  readonly otherExits: number[];
  readonly peakRssBytes: number;
  readonly logs: string;
  readonly recoveredReadyMs: number | undefined;
}

/**
 * Runs the load against one container of the image for `loadMs`. A container that dies is
 * started again (as Kubernetes restarts it), and its death counted.
 */
async function runLoad(env: Record<string, string>): Promise<LoadRun> {
  const { podman, image } = built!;
  const port = await freePort();
  const outcomes: HttpOutcome[] = [];
  let oomKills = 0;
  const otherExits: number[] = [];
  let peakRssBytes = 0;
  let logs = '';
  const start = async (): Promise<{ container: Container; pid: number }> => {
    const container = await podman.run({
      image,
      env: { PORT: String(port), ...env },
      memoryBytes: limitBytes,
      cpus: 1,
    });
    await waitForReady(port, 20_000);
    return { container, pid: (await container.inspect()).pid };
  };
  let current = await start();
  const until = performance.now() + loadMs;
  let restarting: Promise<void> | undefined;
  const watch = (async () => {
    while (performance.now() < until) {
      const usage = current.container.usage(current.pid);
      if (usage !== undefined) peakRssBytes = Math.max(peakRssBytes, usage.rssBytes);
      else if (restarting === undefined) {
        restarting = (async () => {
          const dead = current.container;
          await dead.wait();
          const state = await dead.inspect();
          if (state.oomKilled || state.exitCode === 137) oomKills += 1;
          else otherExits.push(state.exitCode);
          logs += (await dead.logs()).stderr;
          await dead.remove();
          current = await start();
          restarting = undefined;
        })();
      }
      await sleep(20);
    }
  })();
  await Promise.all(
    Array.from({ length: clients }, async (_, index) => {
      await sleep((rampMs * index) / clients);
      for (let sent = 0; sent < maxRequestsPerClient && performance.now() < until; sent += 1) {
        if (restarting !== undefined) {
          await restarting;
          continue;
        }
        const outcome = await sendRequest({ port, path: requestPath, timeoutMs: 10_000 });
        outcomes.push(outcome);
        // A 503 is retried after its Retry-After, as a well-behaved client does; a refused
        // connection (the container is down) after a pause, not in a spin.
        if (outcome.status === 503) await sleep(Number(outcome.headers?.['retry-after'] ?? '1') * 1000);
        else if (outcome.kind !== 'complete') await sleep(50);
      }
    }),
  );
  await watch;
  await restarting;
  // Once the load stops, memory falls and readiness comes back.
  const stoppedAt = performance.now();
  let recoveredReadyMs: number | undefined;
  try {
    await waitForReady(port, 15_000);
    recoveredReadyMs = performance.now() - stoppedAt;
  } catch {
    recoveredReadyMs = undefined;
  }
  const finalState = await current.container.inspect();
  if (!finalState.running && (finalState.oomKilled || finalState.exitCode === 137)) oomKills += 1;
  logs += (await current.container.logs()).stderr;
  await current.container.remove();
  releasePort(port);
  return { outcomes, oomKills, otherExits, peakRssBytes, logs, recoveredReadyMs };
}

function tally(run: LoadRun) {
  const count = (test: (outcome: HttpOutcome) => boolean): number => run.outcomes.filter(test).length;
  return {
    requests: run.outcomes.length,
    ok: count((o) => o.kind === 'complete' && o.status === 200),
    shed503: count(
      (o) => o.kind === 'complete' && o.status === 503 && o.body.includes('THAW_MEMORY_PRESSURE'),
    ),
    otherStatus: count(
      (o) =>
        o.kind === 'complete' &&
        o.status !== 200 &&
        !(o.status === 503 && o.body.includes('THAW_MEMORY_PRESSURE')),
    ),
    lost: count((o) => o.kind === 'reset' || o.kind === 'truncated'),
    refused: count((o) => o.kind === 'refused'),
    oomKills: run.oomKills,
    otherExits: run.otherExits.length,
    peakRssMiB: Math.round((run.peakRssBytes / 2 ** 20) * 10) / 10,
    recoveredReadyMs: run.recoveredReadyMs === undefined ? undefined : Math.round(run.recoveredReadyMs),
    shedWarnings: (run.logs.match(/"level":"warn","msg":"Memory is near/gu) ?? []).length,
    recoveryLines: (run.logs.match(/Memory fell below the shedding threshold/gu) ?? []).length,
  };
}

describe('a function in a 128Mi container under requests that allocate', () => {
  it('sheds with 503s instead of being OOM-killed, and every request it accepted completes', async () => {
    const run = await runLoad({});
    const figures = tally(run);
    recordFigures('memory limit: guard on (memoryShedRatio 0.9)', 1, figures);
    expect(figures.oomKills).toBe(0);
    expect(figures.otherExits).toBe(0);
    expect(figures.lost).toBe(0);
    expect(figures.refused).toBe(0);
    expect(figures.otherStatus).toBe(0);
    expect(figures.shed503).toBeGreaterThan(0);
    expect(figures.ok).toBeGreaterThan(0);
    // Logged once per episode: each warning is followed by one recovery line.
    expect(figures.shedWarnings).toBeGreaterThan(0);
    expect(figures.recoveryLines).toBeGreaterThanOrEqual(figures.shedWarnings - 1);
    expect(figures.recoveredReadyMs).toBeDefined();
  }, 180_000);

  it('without the guard, the same load gets the container OOM-killed and loses the requests in flight', async () => {
    const run = await runLoad({ THAW_MEMORY_SHED_RATIO: '0' });
    const figures = tally(run);
    recordFigures('memory limit: guard off (THAW_MEMORY_SHED_RATIO=0)', 1, figures);
    expect(figures.oomKills).toBeGreaterThan(0);
    expect(figures.lost).toBeGreaterThan(0);
    expect(figures.shed503).toBe(0);
  }, 240_000);
});
