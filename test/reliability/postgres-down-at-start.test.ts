// PostgreSQL unreachable when a function container starts: the connection goes through a fault
// proxy of the test's own (never the shared server stopped), which refuses every connection
// (reset) for the first seconds and then passes. The process must stay up (no crash loop), answer
// readiness 503 naming the initializer and its error, and be ready within 1 s of the database
// coming back (the initializer's backoff capped at 500 ms, as the fixture sets it).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePodman } from '../../packages/bench/src/index.ts';
import { freePort } from '../../packages/bench/src/free-port.ts';
import { releasePort } from '../../packages/bench/src/port-reservation.ts';
import { fixtureArgs, fixtureImage, type FixtureImage } from './support/fixture-image.ts';
import { startFaultProxy } from './support/fault-proxy.ts';
import { sendRequest } from './support/http-outcome.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';

const postgres = { host: '127.0.0.1', port: Number(process.env['PGPORT'] ?? '5432') };
const downMs = byForm(3_000, 15_000);

let image: FixtureImage | undefined;

beforeAll(async () => {
  requirePodman();
  image = await fixtureImage([join(import.meta.dirname, 'fixtures', 'db-at-start.ts')], { packages: ['pg'] });
}, 300_000);

afterAll(async () => {
  await image?.dispose();
});

describe('PostgreSQL down when the container starts', () => {
  it(
    'keeps the process up with readiness 503 naming the initializer, and is ready within 1 s of the database coming back',
    { timeout: 180_000 },
    async () => {
      const built = image!;
      const proxy = await startFaultProxy(postgres, { kind: 'reset' });
      const port = await freePort();
      const container = await built.podman.run({
        image: built.image,
        args: fixtureArgs('db-at-start'),
        env: {
          PORT: String(port),
          HOST: '127.0.0.1',
          DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/test`,
          INIT_MAX_DELAY_MS: '500',
        },
        cpus: 1,
        memoryBytes: 256 * 2 ** 20,
      });
      try {
        const started = performance.now();
        const notReady: string[] = [];
        let readyAt: number | undefined;
        let upAt: number | undefined;
        while (performance.now() - started < downMs + 10_000) {
          if (upAt === undefined && performance.now() - started >= downMs) {
            proxy.setMode({ kind: 'pass' });
            upAt = performance.now();
          }
          const outcome = await sendRequest({ port, path: '/readyz', timeoutMs: 1_000 });
          if (outcome.status === 200) {
            readyAt = performance.now();
            break;
          }
          if (outcome.status === 503) notReady.push(outcome.body);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const state = await container.inspect();
        expect(state.running).toBe(true);
        expect(notReady.length).toBeGreaterThan(5);
        type Report = {
          status?: string;
          initializers?: Array<{ name: string; state: string; attempts: number; error?: string }>;
        };
        const reports = notReady.map((body) => JSON.parse(body) as Report);
        const report = reports.at(-1) ?? {};
        expect(report.status).toBe('failing');
        expect(reports.every((r) => r.initializers?.[0]?.name === 'orders-db')).toBe(true);
        // Every answer after the first failed attempt carries its error, also while the next attempt runs.
        const withReason = reports.filter((r) => /ECONNRESET/u.test(r.initializers?.[0]?.error ?? '')).length;
        expect(withReason).toBeGreaterThan(reports.length / 2);
        expect(readyAt).toBeDefined();
        const readyAfterUpMs = readyAt! - upAt!;
        const answer = await sendRequest({ port, path: '/', timeoutMs: 5_000 });
        expect(answer.status).toBe(200);
        expect(JSON.parse(answer.body)).toEqual({ one: 1 });
        const { stderr } = await container.logs();
        recordFigures('14. PostgreSQL down at container start', 1, {
          downMs,
          notReadyAnswers: notReady.length,
          attemptsWhileDown: report.initializers?.[0]?.attempts,
          answersNamingTheError: withReason,
          lastError: reports.findLast((r) => r.initializers?.[0]?.error !== undefined)?.initializers?.[0]
            ?.error,
          connectionsRefusedByTheProxy: proxy.accepted,
          readyAfterDatabaseBackMs: Math.round(readyAfterUpMs),
          logLines: stderr.split('\n').filter((line) => line !== '').length,
        });
        expect(readyAfterUpMs).toBeLessThan(1_000);
      } finally {
        await container.remove();
        await proxy.close();
        releasePort(port);
      }
    },
  );
});
