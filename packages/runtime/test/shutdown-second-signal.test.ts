import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('second signal', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('a second SIGTERM during the drain exits with code 1 at once, naming what was still running', async () => {
    fixture = startFixture('routes', { env: { DRAIN_TIMEOUT_MS: '20000', SLOW_MS: '60000' } });
    const port = await fixture.port;
    const slow = get(port, '/slow', { headers: { 'x-request-id': 'long-report' } }).catch(() => undefined);
    await fixture.waitForOutput(/started long-report/);
    fixture.child.kill('SIGTERM');
    await fixture.waitForOutput(/Shutting down \(SIGTERM\)/);
    // Readiness is 503 while the drain waits for the slow request.
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    await slow;
    expect(fixture.stderr()).toMatch(
      /Second SIGTERM: exiting now with code 1\. Still running: GET \/slow \(invocation long-report/,
    );
  });
});
