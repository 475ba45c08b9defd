// The generated manifests' in-cluster defaults (`redis://redis:6379`, a `postgres` Service) used
// outside a cluster, where the host name does not resolve: a configuration fault, not an outage.
// The function must stay up (no crash loop), answer readiness 503 with a reason that names the
// variable and the fix (never a stack), and log it without a flood; as a process and in a
// container (podman + runc, the host's DNS). Skipped, saying so, where these names resolve.
import { lookup } from 'node:dns/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePodman } from '../../packages/bench/src/index.ts';
import { freePort } from '../../packages/bench/src/free-port.ts';
import { releasePort } from '../../packages/bench/src/port-reservation.ts';
import { startFixture } from '../../packages/runtime/test/support/fixture-process.ts';
import { fixtureArgs, fixtureImage, type FixtureImage } from './support/fixture-image.ts';
import { sendRequest } from './support/http-outcome.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';

interface Case {
  readonly what: string;
  readonly fixture: 'redis-at-start' | 'db-at-start';
  readonly initializer: string;
  readonly variable: 'REDIS_URL' | 'DATABASE_URL';
  readonly url: string;
  readonly host: string;
}

const cases: readonly Case[] = [
  {
    what: 'Redis',
    fixture: 'redis-at-start',
    initializer: 'cache',
    variable: 'REDIS_URL',
    url: 'redis://redis:6379',
    host: 'redis',
  },
  {
    what: 'PostgreSQL',
    fixture: 'db-at-start',
    initializer: 'orders-db',
    variable: 'DATABASE_URL',
    url: 'postgres://postgres@postgres:5432/test',
    host: 'postgres',
  },
];

const watchMs = byForm(3_000, 15_000);
const fixtures = join(import.meta.dirname, 'fixtures');

async function resolves(host: string): Promise<boolean> {
  return lookup(host).then(
    () => true,
    () => false,
  );
}
const resolvable = (await Promise.all(cases.map((c) => resolves(c.host)))).some(Boolean);

type Report = { status?: string; initializers?: Array<{ name: string; state: string; error?: string }> };

/** Polls `/readyz` for `watchMs` and checks every answer; returns the figures. */
async function watchReadiness(port: number, item: Case): Promise<Record<string, unknown>> {
  const started = performance.now();
  const statuses = new Map<number, number>();
  const reports: Report[] = [];
  while (performance.now() - started < watchMs) {
    const outcome = await sendRequest({ port, path: '/readyz', timeoutMs: 1_000 });
    const status = outcome.status ?? 0;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status === 503) reports.push(JSON.parse(outcome.body) as Report);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect([...statuses.keys()]).toEqual([503]);
  const errors = reports.map(
    (report) => report.initializers?.find((i) => i.name === item.initializer)?.error,
  );
  // Before the first attempt has failed there is no reason yet; from then on every answer has it.
  const firstReason = errors.findIndex((error) => error !== undefined);
  expect(firstReason).toBeGreaterThanOrEqual(0);
  for (const error of errors.slice(firstReason)) {
    expect(error).toContain(`cannot connect: getaddrinfo ENOTFOUND ${item.host}`);
    expect(error).toContain(`The host name "${item.host}" does not resolve here. ${item.variable} (`);
    expect(error).toContain(`set ${item.variable} to a server this process can reach`);
    expect(error).not.toMatch(/\n\s+at /u);
  }
  expect(reports.at(-1)?.status).toBe('failing');
  return {
    readinessAnswers: reports.length,
    answersWithTheReason: errors.length - firstReason,
    reason: errors.at(-1),
  };
}

function checkLog(stderr: string, item: Case): Record<string, number> {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(stderr).not.toMatch(/^\s+at /mu);
  expect(stderr).toContain(`${item.variable} (`);
  return {
    logLines: lines.length,
    logLinesPerSecond: Math.round((lines.length / (watchMs / 1_000)) * 10) / 10,
  };
}

describe.skipIf(resolvable)('a database or cache host name that does not resolve', () => {
  for (const item of cases) {
    it(`${item.what} (${item.variable}=${item.url}), as a process: stays up, 503 naming ${item.variable} and the fix, no stack`, async () => {
      const child = startFixture(join(fixtures, `${item.fixture}.ts`), {
        env: { [item.variable]: item.url, INIT_MAX_DELAY_MS: '500' },
      });
      try {
        const port = await child.port;
        const figures = await watchReadiness(port, item);
        expect(child.child.exitCode).toBeNull();
        child.child.kill('SIGTERM');
        const exit = await child.exited;
        expect(exit).toEqual({ code: 0, signal: null });
        recordFigures(`15. ${item.what} host does not resolve (process)`, 1, {
          watchMs,
          ...figures,
          ...checkLog(child.stderr(), item),
          exitCodeAfterSigterm: exit.code,
        });
      } finally {
        await child.stop();
      }
    });
  }

  describe('in a container', () => {
    let image: FixtureImage | undefined;
    beforeAll(async () => {
      requirePodman();
      image = await fixtureImage(
        cases.map((item) => join(fixtures, `${item.fixture}.ts`)),
        { packages: ['ioredis', 'pg'] },
      );
    }, 300_000);
    afterAll(async () => {
      await image?.dispose();
    });

    for (const item of cases) {
      it(
        `${item.what} (${item.variable}=${item.url}): the container stays up, not restarted, 503 naming ${item.variable}`,
        { timeout: 120_000 },
        async () => {
          const built = image!;
          const port = await freePort();
          const container = await built.podman.run({
            image: built.image,
            args: fixtureArgs(item.fixture),
            env: {
              PORT: String(port),
              HOST: '127.0.0.1',
              [item.variable]: item.url,
              INIT_MAX_DELAY_MS: '500',
            },
            cpus: 1,
            memoryBytes: 256 * 2 ** 20,
          });
          try {
            const deadline = performance.now() + 20_000;
            while ((await sendRequest({ port, path: '/healthz', timeoutMs: 500 })).status !== 200) {
              if (performance.now() > deadline) throw new Error('The container never answered /healthz.');
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
            const before = await container.inspect();
            const figures = await watchReadiness(port, item);
            const after = await container.inspect();
            expect(after.running).toBe(true);
            // The same first process, started once: no crash, no restart.
            expect(after.pid).toBe(before.pid);
            expect(after.startedAtMs).toBe(before.startedAtMs);
            const { stderr } = await container.logs();
            recordFigures(`15. ${item.what} host does not resolve (container)`, 1, {
              watchMs,
              ...figures,
              ...checkLog(stderr, item),
            });
          } finally {
            await container.remove();
            releasePort(port);
          }
        },
      );
    }
  });
});
