import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('drain timeout and resources', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('still runs the disposers in reverse order and the flushers when the drain times out, then exits 1', async () => {
    fixture = startFixture('shutdown-load', { env: { HANDLER_MS: '60000', DRAIN_TIMEOUT_MS: '300' } });
    const port = await fixture.port;
    const stuck = get(port, '/', { headers: { 'x-request-id': 'stuck-request' } }).then(
      () => 'answered',
      () => 'cut off',
    );
    // The handler awaits its timer before the initializers, so the request is in flight now.
    await new Promise((resolve) => setTimeout(resolve, 200));
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 1, signal: null });
    expect(await stuck).toBe('cut off');
    expect(fixture.stderr()).toMatch(/invocation stuck-request, running \d+ ms/);
    expect(fixture.stdout()).toMatch(/disposed b\ndisposed a\nflushed\n/);
  });
});
