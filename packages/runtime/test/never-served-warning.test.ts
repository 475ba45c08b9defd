import { afterEach, describe, expect, it } from 'vitest';
import { startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('an entry that never calls serve()', () => {
  let fixture: FixtureProcess | undefined;
  afterEach(async () => {
    await fixture?.stop();
  });

  it('says on stderr that the exported handler was never served and how to serve it', async () => {
    fixture = startFixture('never-serves');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.stderr()).toContain(
      'thaw: the entry exports a handler ("default") but never called serve()',
    );
    expect(fixture.stderr()).toContain(
      "Add serve(handler) to the entry (import { serve } from '@thaw/runtime')",
    );
  });

  it('stays silent for a script that exports no handler', async () => {
    fixture = startFixture('exits-without-handler');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(fixture.stdout()).toBe('1\n');
    expect(fixture.stderr()).toBe('');
  });
});
