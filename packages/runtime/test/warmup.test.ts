import { afterEach, describe, expect, it } from 'vitest';
import { init } from '../src/index.ts';
import { eventually, get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('warm-up requests', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    resetRuntimeState();
  });

  it('answers x-thaw-warmup: 1 and the warm-up path with 204 without running the handler, and starts background inits', async () => {
    let handlerCalls = 0;
    let modelStarts = 0;
    let releaseConfig: () => void = () => undefined;
    const configGate = new Promise<void>((resolve) => (releaseConfig = resolve));
    // A critical init held open keeps the process not ready, so background inits would not start on their own yet.
    init('config', () => configGate, { when: 'critical' });
    const model = init(
      'model',
      () => {
        modelStarts += 1;
        return 'weights';
      },
      { when: 'background' },
    );
    server = await startServer(
      async () => {
        handlerCalls += 1;
        return new Response(await model());
      },
      { warmupPath: '/_warmup' },
    );
    expect((await get(server.port, '/readyz')).status).toBe(503);
    expect(model.status().state).toBe('idle');

    const byHeader = await get(server.port, '/anything', { headers: { 'x-thaw-warmup': '1' } });
    expect(byHeader.status).toBe(204);
    expect(byHeader.body).toBe('');
    await eventually(() => Promise.resolve(model.status().state === 'ready'));
    expect(modelStarts).toBe(1);
    const byPath = await get(server.port, '/_warmup');
    expect(byPath.status).toBe(204);
    expect(handlerCalls).toBe(0);

    releaseConfig();
    await server.handle.ready;
    expect((await get(server.port, '/')).body).toBe('weights');
    // The value is kept: neither the second warm-up nor ready nor the first use started it again.
    expect(modelStarts).toBe(1);
    expect(handlerCalls).toBe(1);
  });
});
