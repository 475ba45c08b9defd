import { afterEach, describe, expect, it } from 'vitest';
import { get } from './support/fixture-process.ts';
import { resetRuntimeState, startServer, type TestServer } from './support/in-process.ts';

describe('a failing handler', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.handle.close();
    resetRuntimeState();
  });

  it('answers 500 with the invocation id, logs the error under that id, and keeps serving', async () => {
    let calls = 0;
    server = await startServer(async (request) => {
      calls += 1;
      const path = new URL(request.url).pathname;
      if (path === '/throw') throw new Error('boom with postgres://app:hunter2@db/app');
      if (path === '/reject') return Promise.reject(new TypeError('rejected'));
      if (path === '/not-a-response') return 'text' as unknown as Response;
      return new Response('still up');
    });
    const thrown = await get(server.port, '/throw', { headers: { 'x-request-id': 'req-123' } });
    expect(thrown.status).toBe(500);
    expect(JSON.parse(thrown.body)).toEqual({ error: 'Internal Server Error', invocationId: 'req-123' });
    // The body never carries the error itself.
    expect(thrown.body).not.toContain('boom');
    const logged = server.logs.find((line) => line.fields?.invocationId === 'req-123');
    expect(logged?.level).toBe('error');
    expect(logged?.message).toContain('The handler failed for invocation req-123: Error: boom');
    expect(logged?.message).not.toContain('hunter2');

    const rejected = await get(server.port, '/reject');
    expect(rejected.status).toBe(500);
    const { invocationId } = JSON.parse(rejected.body) as { invocationId: string };
    expect(invocationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(server.logs.some((line) => line.fields?.invocationId === invocationId)).toBe(true);

    const wrongType = await get(server.port, '/not-a-response');
    expect(wrongType.status).toBe(500);
    expect(server.logs.at(-1)?.message).toContain('instead of a Response');

    expect((await get(server.port, '/')).body).toBe('still up');
    expect(calls).toBe(4);
  });
});
