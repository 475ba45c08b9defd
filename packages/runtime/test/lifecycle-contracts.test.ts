import { afterEach, describe, expect, it } from 'vitest';
import {
  init,
  lifecycle,
  onFlush,
  onShutdown,
  whenReady,
  wrapInvocations,
  type InvocationInfo,
  type InvocationOutcome,
} from '../src/index.ts';
import { addRoute } from '../src/lifecycle.ts';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('lifecycle hooks', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    resetRuntimeState();
  });

  it('answers extra routes before the handler and runs each invocation inside the wrapper', async () => {
    addRoute('/metrics', () => ({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: 'up 1\n',
    }));
    const calls: Array<{ info: InvocationInfo; outcome: InvocationOutcome }> = [];
    wrapInvocations(async (info, run) => {
      const outcome = await run();
      calls.push({ info, outcome });
      return outcome;
    });
    let handled = 0;
    server = await startServer((request) => {
      handled += 1;
      return new URL(request.url).pathname === '/fail'
        ? Promise.reject(new Error('nope'))
        : new Response('ok', { status: 201 });
    });
    const metrics = await get(server.port, '/metrics');
    expect(metrics).toMatchObject({ status: 200, body: 'up 1\n' });
    expect(handled).toBe(0);
    await get(server.port, '/x?y=1', { headers: { 'x-request-id': 'one', traceparent: '00-abc-def-01' } });
    await get(server.port, '/fail', { method: 'POST', headers: { 'x-request-id': 'two' } });
    // Health probes are not invocations.
    await get(server.port, '/healthz');
    expect(
      calls.map(({ info, outcome }) => [
        info.invocationId,
        info.coldStart,
        info.method,
        info.target,
        outcome.status,
      ]),
    ).toEqual([
      ['one', true, 'GET', '/x?y=1', 201],
      ['two', false, 'POST', '/fail', 500],
    ]);
    expect(calls[0]!.info.trigger).toBe('http');
    expect(calls[0]!.info.headers.traceparent).toBe('00-abc-def-01');
    expect(calls[1]!.outcome.error).toBeInstanceOf(Error);
  });

  it('a wrapper that throws before running the invocation does not cost the request', async () => {
    wrapInvocations(() => {
      throw new Error('tracer broken');
    });
    server = await startServer(() => new Response('served anyway'));
    expect((await get(server.port, '/')).body).toBe('served anyway');
    expect(server.logs.some((line) => line.message.includes('The invocation wrapper failed'))).toBe(true);
  });

  it('runs afterReady once at ready with readyAt set, and on close runs disposers in reverse order, then flushers', async () => {
    const order: string[] = [];
    whenReady('telemetry', () => {
      order.push(`afterReady readyAt=${typeof lifecycle().readyAt}`);
    });
    const first = init('first', () => 1, {
      when: 'critical',
      dispose: () => void order.push('dispose first'),
    });
    const third = init('third', () => 3, {
      when: 'on-demand',
      dispose: () => void order.push('dispose third'),
    });
    onFlush('spans', () => void order.push('flush spans'));
    server = await startServer(async () => new Response(String((await first()) + (await third()))));
    await server.handle.ready;
    // Created after `first` resolved (at ready) and before `third` (on the first request).
    onShutdown('pool', () => void order.push('dispose pool'));
    expect((await get(server.port, '/')).body).toBe('4');
    await server.handle.close();
    server = undefined;
    expect(order).toEqual([
      'afterReady readyAt=number',
      'dispose third',
      'dispose pool',
      'dispose first',
      'flush spans',
    ]);
  });

  it('bounds a disposer that hangs with disposeTimeoutMs and still runs the rest', async () => {
    const order: string[] = [];
    onShutdown('fine', () => void order.push('fine'));
    onShutdown('stuck', () => new Promise<void>(() => undefined));
    onShutdown('broken', () => {
      throw new Error('cannot close');
    });
    server = await startServer(() => new Response('x'), { disposeTimeoutMs: 100 });
    await server.handle.ready;
    const logs = server.logs;
    await server.handle.close();
    server = undefined;
    expect(order).toEqual(['fine']);
    expect(
      logs.some((line) => line.message.includes('"stuck" did not finish within disposeTimeoutMs (100 ms)')),
    ).toBe(true);
    expect(logs.some((line) => line.message.includes('"broken" failed: Error: cannot close'))).toBe(true);
  });
});

describe('lifecycle verbs', () => {
  afterEach(() => {
    resetRuntimeState();
  });

  it('composes any number of invocation wrappers in registration order, an outermost one around all', async () => {
    const order: string[] = [];
    const named =
      (name: string) =>
      async (_info: InvocationInfo, run: () => Promise<InvocationOutcome>): Promise<InvocationOutcome> => {
        order.push(`${name} in`);
        const outcome = await run();
        order.push(`${name} out`);
        return outcome;
      };
    wrapInvocations(named('first'));
    const removeSecond = wrapInvocations(named('second'));
    wrapInvocations(named('span'), { outermost: true });
    const server = await startServer(() => new Response('ok'));
    try {
      await get(server.port, '/');
      expect(order).toEqual(['span in', 'first in', 'second in', 'second out', 'first out', 'span out']);
      removeSecond();
      order.length = 0;
      await get(server.port, '/');
      expect(order).toEqual(['span in', 'first in', 'first out', 'span out']);
    } finally {
      await server.handle.close();
    }
  });

  it('runs a when-ready task at once when the process is already ready, and only once otherwise', async () => {
    const runs: string[] = [];
    whenReady('early', () => void runs.push('early'));
    const server = await startServer(() => new Response('ok'));
    try {
      await server.handle.ready;
      await new Promise((resolve) => setImmediate(resolve));
      whenReady('late', () => void runs.push('late'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(runs).toEqual(['early', 'late']);
      expect(lifecycle().afterReady).toEqual([]);
    } finally {
      await server.handle.close();
    }
  });

  it('hands out a frozen snapshot: changing it changes nothing', () => {
    const unregister = onShutdown('cache', () => undefined);
    const view = lifecycle();
    expect(Object.isFrozen(view) && Object.isFrozen(view.disposers)).toBe(true);
    expect(() => {
      (view.disposers as unknown as unknown[]).push({ name: 'sneaky', dispose: () => undefined });
    }).toThrow(TypeError);
    expect(lifecycle().disposers.map((disposer) => disposer.name)).toEqual(['cache']);
    unregister();
    expect(lifecycle().disposers).toEqual([]);
  });
});
