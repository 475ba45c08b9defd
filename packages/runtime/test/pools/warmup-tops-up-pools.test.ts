import { afterEach, describe, expect, it } from 'vitest';
import { services } from '../../../../test/support/services.ts';
import { drainPools, pools } from '../../src/pools/index.ts';
import { get } from '../support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from '../support/in-process.ts';
import { eventually, pgConnections, pgTerminate } from '../support/server-counts.ts';

// A warm-up ping (a PingSource's) on a ready process puts the pools back at `min`: the
// connections the database closed while the pod was quiet are reopened before the next real
// request needs them, and a pool already at `min` opens nothing.
describe('a warm-up request after ready tops the pools up to min', () => {
  let server: TestServer | undefined;
  const warnings: string[] = [];
  afterEach(async () => {
    await server?.handle.close();
    await drainPools();
    resetRuntimeState();
  });

  const ping = async (): Promise<void> => {
    const answer = await get(server!.port, '/', { headers: { 'x-thaw-warmup': '1' } });
    expect(answer.status).toBe(204);
  };

  it('reopens the connections the server closed, and opens nothing at min', async () => {
    const app = 'thaw-warmup-top-up';
    let handlerCalls = 0;
    server = await startServer(() => {
      handlerCalls += 1;
      return new Response('ok');
    });
    await server.handle.ready;
    const pool = await pools.pg('warmup-top-up', {
      connectionString: services.postgresUrl,
      application_name: app,
      min: 2,
      logger: { warn: (message: string) => warnings.push(message) },
    });
    // Created after ready: it warms to min at once.
    expect(await eventually(async () => (await pgConnections(services.postgresUrl, app)) === 2)).toBe(true);

    expect(await pgTerminate(services.postgresUrl, app)).toBe(2);
    expect(await eventually(() => pool.totalCount === 0)).toBe(true);
    await ping();
    expect(await eventually(async () => (await pgConnections(services.postgresUrl, app)) === 2)).toBe(true);
    expect(pool.totalCount).toBe(2);

    // At min: a burst of pings opens no connection more.
    await Promise.all([ping(), ping(), ping()]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await pgConnections(services.postgresUrl, app)).toBe(2);
    expect(handlerCalls).toBe(0);
    expect(warnings.filter((line) => line.includes('could not'))).toEqual([]);
  });

  it('leaves a pool that has not passed its check alone', async () => {
    server = await startServer(() => new Response('ok'));
    await server.handle.ready;
    const failing = pools
      .pg('warmup-unchecked', {
        connectionString: 'postgres://postgres@127.0.0.1:1/test',
        checkTimeoutMs: 500,
        logger: { warn: (message: string) => warnings.push(message) },
      })
      .catch((error: unknown) => error);
    expect(await failing).toBeInstanceOf(Error);
    const before = warnings.length;
    await ping();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(warnings.slice(before).filter((line) => line.includes('top up'))).toEqual([]);
  });
});
