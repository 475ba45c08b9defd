import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('a rejected initializer inside a node-listener route', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
    fixture = undefined;
  });

  it('is answered 503 with Retry-After and never takes the process down, even left uncaught', async () => {
    fixture = startFixture('held-requests', { env: { KIND: 'node-listener', INIT_DELAY_MS: '0' } });
    const port = await fixture.port;
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(port, '/on-demand')));
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBe('1');
      expect(JSON.parse(answer.body)).toMatchObject({ error: 'THAW_INIT_FAILED' });
    }
    // Still serving, and the failures are in the log with their invocation.
    expect((await get(port, '/')).body).toBe('order-1');
    expect(fixture.child.exitCode).toBeNull();
    expect(fixture.stderr()).toContain('feature-flags');
  });

  it('leaves any other unhandled rejection to Node, which ends the process with code 1', async () => {
    fixture = startFixture('held-requests', { env: { KIND: 'node-listener', INIT_DELAY_MS: '0' } });
    const port = await fixture.port;
    await get(port, '/bug').catch(() => undefined);
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(fixture.stderr()).toContain('a bug in the route');
  });
});
