// A function container killed with SIGKILL in the middle of a burst (the kernel's OOM killer, a
// node failure, `kubectl delete --grace-period=0`): nothing drains, so every request in flight
// fails. What must hold is the caller's side: every request settles at once with an error it can
// count and retry (a reset or a refusal), none hangs until its own timeout.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePodman } from '../../packages/bench/src/index.ts';
import { freePort } from '../../packages/bench/src/free-port.ts';
import { probeOnce } from '../../packages/bench/src/knative/prober.ts';
import { releasePort } from '../../packages/bench/src/port-reservation.ts';
import { fixtureArgs, fixtureImage, type FixtureImage } from './support/fixture-image.ts';
import { sendRequest, type HttpOutcome } from './support/http-outcome.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';

const burst = 100;
// Each request waits this long in the handler: long against the time `podman kill` takes to
// deliver the signal (over a second on a busy machine), so the kill always finds requests in
// flight.
const requestWaitMs = 3_000;
const killAfterMs = 150;
// A client's own timeout: a request still open this long after the kill would be a hang.
const clientTimeoutMs = 10_000;

let image: FixtureImage | undefined;

beforeAll(async () => {
  requirePodman();
  image = await fixtureImage([join(import.meta.dirname, 'fixtures', 'probe-thaw.ts')]);
}, 300_000);

afterAll(async () => {
  await image?.dispose();
});

async function waitForReady(port: number): Promise<void> {
  const deadline = performance.now() + 20_000;
  while (performance.now() < deadline) {
    if ((await probeOnce(port, { httpGet: { path: '/readyz' } }, 500)) === 'ok') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`The container on port ${port} was not ready within 20 s.`);
}

describe('a function container killed with SIGKILL mid-burst', () => {
  it(
    'fails every request in flight at once with a countable error, and none hangs',
    { timeout: 300_000 },
    async () => {
      const built = image!;
      const cycles = byForm(2, 10);
      const figures: Array<Record<string, number>> = [];
      for (let cycle = 0; cycle < cycles; cycle += 1) {
        const port = await freePort();
        const container = await built.podman.run({
          image: built.image,
          args: fixtureArgs('probe-thaw'),
          env: { PORT: String(port), HOST: '127.0.0.1', INIT_MS: '0' },
          cpus: 1,
          memoryBytes: 256 * 2 ** 20,
        });
        try {
          await waitForReady(port);
          const sent = Array.from({ length: burst }, (_, index) =>
            // Spread over the first 100 ms: the kill finds them connecting, waiting and mid-request.
            new Promise<void>((resolve) => setTimeout(resolve, index)).then(() =>
              sendRequest({ port, path: `/?wait=${requestWaitMs}`, timeoutMs: clientTimeoutMs }),
            ),
          );
          await new Promise((resolve) => setTimeout(resolve, killAfterMs));
          const killedAt = performance.now();
          await container.kill('SIGKILL');
          const outcomes = await Promise.all(sent);
          const settledAfterKillMs = Math.max(...outcomes.map((o) => o.endAt)) - killedAt;
          const exitCode = await container.wait();
          const count = (kind: HttpOutcome['kind']): number => outcomes.filter((o) => o.kind === kind).length;
          const timedOut = outcomes.filter((o) => o.error === 'client timeout').length;
          const result = {
            answered200: outcomes.filter((o) => o.kind === 'complete' && o.status === 200).length,
            reset: count('reset'),
            refused: count('refused'),
            truncated: count('truncated'),
            timedOut,
            settledAfterKillMs: Math.round(settledAfterKillMs),
            exitCode,
          };
          figures.push(result);
          expect(exitCode).toBe(137);
          expect(timedOut).toBe(0);
          // Every request either got its answer before the kill or an error the caller counts.
          expect(result.answered200 + result.reset + result.refused + result.truncated).toBe(burst);
          expect(result.reset + result.refused + result.truncated).toBeGreaterThan(0);
          // The kill is seen at once: no request waits for its client timeout. Counted from the
          // call to `podman kill`, whose own start-up is part of it.
          expect(settledAfterKillMs).toBeLessThan(clientTimeoutMs / 2);
        } finally {
          await container.remove();
          releasePort(port);
        }
      }
      recordFigures('13. SIGKILL mid-burst (container)', cycles, {
        burst,
        requestWaitMs,
        killAfterMs,
        cycles: figures,
      });
    },
  );
});
