import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('drain timeout', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('exits with code 1 after drainTimeoutMs and names the requests still running', async () => {
    fixture = startFixture('routes', { env: { DRAIN_TIMEOUT_MS: '500', SLOW_MS: '60000' } });
    const port = await fixture.port;
    const stuck = ['stuck-1', 'stuck-2'].map((id) =>
      get(port, '/slow', { headers: { 'x-request-id': id } }).then(
        () => 'answered',
        () => 'cut off',
      ),
    );
    await fixture.waitForOutput(
      /started stuck-1\n[^]*started stuck-2\n|started stuck-2\n[^]*started stuck-1\n/,
    );
    const signalledAt = Date.now();
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(Date.now() - signalledAt).toBeGreaterThanOrEqual(450);
    expect(await Promise.all(stuck)).toEqual(['cut off', 'cut off']);
    const log = fixture.stderr();
    expect(log).toContain('Shutdown timed out after drainTimeoutMs (500 ms) with 2 request(s) still running');
    expect(log).toMatch(/GET \/slow \(invocation stuck-1, running \d+ ms\)/);
    expect(log).toMatch(/GET \/slow \(invocation stuck-2, running \d+ ms\)/);
  });
});
