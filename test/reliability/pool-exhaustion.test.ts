import { afterEach, describe, expect, it } from 'vitest';
import { lifecycle } from '../../packages/runtime/src/lifecycle.ts';
import { drainPools, pools } from '../../packages/runtime/src/pools/index.ts';
import { services } from '../support/services.ts';
import { byForm } from './support/mode.ts';
import { recordFigures } from './support/results.ts';
import { summarize } from './support/stats.ts';

const acquireTimeoutMs = 500;
const quiet = { warn: (): void => undefined };

// Starts `count` borrows at once; resolves how long each took to settle and what it settled with.
async function settle(
  count: number,
  borrow: () => Promise<unknown>,
): Promise<Array<{ ms: number; error: unknown }>> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const started = performance.now();
      try {
        await borrow();
        return { ms: performance.now() - started, error: undefined };
      } catch (error) {
        return { ms: performance.now() - started, error };
      }
    }),
  );
}

function checkAll(
  outcomes: ReadonlyArray<{ ms: number; error: unknown }>,
  poolName: string,
): { borrows: number; settledWithErrorNamingPool: number; settleMs: ReturnType<typeof summarize> } {
  const naming = outcomes.filter(
    (o) =>
      o.error instanceof Error &&
      (o.error as Error & { poolName?: string }).poolName === poolName &&
      o.error.message.includes(`Pool "${poolName}"`),
  );
  expect(naming).toHaveLength(outcomes.length);
  // Within its timeout; 250 ms is what a timer may fire late with 50 borrowers on a busy machine.
  expect(Math.max(...outcomes.map((o) => o.ms))).toBeLessThan(acquireTimeoutMs + 250);
  return {
    borrows: outcomes.length,
    settledWithErrorNamingPool: naming.length,
    settleMs: summarize(outcomes.map((o) => o.ms)),
  };
}

describe('pool exhaustion and failing factories', () => {
  afterEach(async () => {
    lifecycle().readyAt = undefined;
    await drainPools();
  });

  it('settles every borrow of an exhausted or broken pool within its timeout, naming the pool', async () => {
    const waiters = byForm(50, 200);
    const pg = await pools.pg('rel-exhausted-pg', {
      connectionString: services.postgresUrl,
      max: 2,
      acquireTimeoutMs,
      logger: quiet,
    });
    const held = [await pg.connect(), await pg.connect()];
    const pgOutcomes = await settle(waiters, () => pg.query('SELECT 1'));
    for (const client of held) client.release();
    const pgFigures = checkAll(pgOutcomes, 'rel-exhausted-pg');
    await expect(pg.query('SELECT 1')).resolves.toBeDefined();

    const generic = await pools.generic(
      'rel-exhausted-generic',
      { create: () => Promise.resolve({}), destroy: () => Promise.resolve() },
      { max: 2, acquireTimeoutMs, maxWaiting: waiters * 2, logger: quiet },
    );
    const borrowed = [await generic.acquire(), await generic.acquire()];
    const genericOutcomes = await settle(waiters, () => generic.acquire());
    for (const resource of borrowed) await generic.release(resource);
    const genericFigures = checkAll(genericOutcomes, 'rel-exhausted-generic');

    let creates = 0;
    const broken = await pools.generic(
      'rel-failing-factory',
      {
        create: () => {
          creates += 1;
          return Promise.reject(new Error('the backend refused'));
        },
        destroy: () => Promise.resolve(),
      },
      { check: false, acquireTimeoutMs, maxWaiting: waiters * 2, logger: quiet },
    );
    const brokenOutcomes = await settle(waiters, () => broken.acquire());
    const brokenFigures = checkAll(brokenOutcomes, 'rel-failing-factory');

    recordFigures('7. pool exhaustion and failing factory', 1, {
      acquireTimeoutMs,
      pgExhausted: pgFigures,
      genericExhausted: genericFigures,
      genericFactoryAlwaysFails: { ...brokenFigures, factoryCalls: creates },
    });
  });
});
