import { afterEach, describe, expect, it } from 'vitest';
import { get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('a disposer that never finishes', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('is abandoned after disposeTimeoutMs while the other disposers and the flushers still run, and the process exits 0 through exit()', async () => {
    fixture = startFixture('shutdown-load', { env: { HANGING_DISPOSER: '1' } });
    const port = await fixture.port;
    expect((await get(port, '/')).body).toBe('ab-complete');
    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.stdout()).toMatch(/disposed b\ndisposed a\nflushed\n/);
    // The log line is JSON: the quotes around the name are escaped.
    expect(fixture.stderr()).toContain('The disposer \\"hanging\\" did not finish within disposeTimeoutMs');
    expect(fixture.stderr()).toContain('Shutdown complete.');
  });
});
