import { afterEach, describe, expect, it } from 'vitest';
import { HttpError } from '../src/errors.ts';
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

  it('answers an HttpError with its status and message, without logging a server error', async () => {
    server = await startServer((request) => {
      const path = new URL(request.url).pathname;
      if (path === '/bad') throw new HttpError(422, 'The order needs at least one item.');
      return new Response('fine');
    });
    const bad = await get(server.port, '/bad', { headers: { 'x-request-id': 'req-422' } });
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.body)).toEqual({
      error: 'THAW_HTTP_ERROR',
      message: 'The order needs at least one item.',
      invocationId: 'req-422',
    });
    expect(server.logs.filter((line) => line.level === 'error')).toEqual([]);
    expect((await get(server.port, '/')).body).toBe('fine');
  });

  it('refuses an HttpError status outside 400–599', () => {
    expect(() => new HttpError(200, 'ok')).toThrow(
      'Invalid HttpError status: received 200; expected an integer from 400 to 599.',
    );
  });
});
