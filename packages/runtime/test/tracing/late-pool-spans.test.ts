import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  clientChildren,
  runTracedPoolsScenario,
  serverSpan,
  type ScenarioRun,
} from './traced-pools-scenario.ts';

describe('a pool opened after thaw’s SDK has loaded', () => {
  let run: ScenarioRun;

  beforeAll(async () => {
    const fixture = fileURLToPath(new URL('fixtures/late-pool.ts', import.meta.url));
    run = await runTracedPoolsScenario(fixture, fileURLToPath(new URL('.', import.meta.url)), [
      '/redis-opens',
      '/redis-again',
    ]);
  }, 60_000);

  it('answers every request and exits cleanly', () => {
    expect(run.responses.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(run.exit.code).toBe(0);
  });

  it('traces the Redis calls of the invocations after the one that opened the pool', () => {
    const opening = serverSpan(run.spans, '/redis-opens')!;
    const again = serverSpan(run.spans, '/redis-again')!;
    const redisOf = (span: typeof opening): string[] =>
      clientChildren(run.spans, span)
        .filter((child) => child.scope.includes('instrumentation-ioredis'))
        .map((child) => child.name);
    // ioredis was imported inside this invocation, after the SDK's require hooks were set up.
    expect(redisOf(opening)).toEqual([]);
    expect(redisOf(again)).toEqual(['get']);
  });
});
