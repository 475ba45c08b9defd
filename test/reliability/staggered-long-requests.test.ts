import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from '../../packages/runtime/test/support/fixture-process.ts';
import { sendRequest } from './support/http-outcome.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';
import { sleepyBody } from './support/sleepy-body.ts';

const fixture = join(import.meta.dirname, 'fixtures', 'sleepy.ts');
const requestMs = 4_000;

describe('staggered long requests', () => {
  let child: FixtureProcess | undefined;
  afterEach(async () => {
    await child?.stop();
  });

  it(
    'completes all six requests sent one second apart when SIGTERM follows the last',
    { timeout: 120_000 },
    async () => {
      const runs = byForm(1, 5);
      let completed = 0;
      const exitAfterSigtermMs: number[] = [];
      for (let run = 0; run < runs; run += 1) {
        child = startFixture(fixture);
        const port = await child.port;
        const requests = [];
        for (let index = 0; index < 6; index += 1) {
          if (index > 0) await new Promise((resolve) => setTimeout(resolve, 1_000));
          requests.push(sendRequest({ port, path: `/?ms=${requestMs}` }));
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        const sigtermAt = performance.now();
        child.child.kill('SIGTERM');
        const outcomes = await Promise.all(requests);
        expect(outcomes.map((o) => [o.kind, o.status, o.body === sleepyBody(requestMs)])).toEqual(
          Array.from({ length: 6 }, () => ['complete', 200, true]),
        );
        expect(await child.exited).toEqual({ code: 0, signal: null });
        exitAfterSigtermMs.push(Math.round(performance.now() - sigtermAt));
        completed += outcomes.length;
      }
      recordFigures('2. staggered long requests', runs, {
        requestsSent: runs * 6,
        completed,
        requestMs,
        exitAfterSigtermMs,
      });
    },
  );
});
