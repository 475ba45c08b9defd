import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, get, startFixture, type FixtureProcess } from './support/fixture-process.ts';

describe('ready file', () => {
  let fixture: FixtureProcess | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'thaw-ready-file-'));
  afterEach(async () => {
    await fixture?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is written atomically once ready, holds the report, and is removed when draining starts', async () => {
    const file = join(dir, 'ready');
    fixture = startFixture('critical-init', { env: { CRITICAL_DELAY_MS: '300', THAW_READY_FILE: file } });
    const port = await fixture.port;
    expect(existsSync(file)).toBe(false);
    await eventually(() => Promise.resolve(existsSync(file)));
    // Written by rename: never an empty or partial file, and no temporary left behind.
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ event: 'thaw.startup' });
    expect(readdirSync(dir)).toEqual(['ready']);
    expect((await get(port, '/readyz')).status).toBe(200);

    fixture.child.kill('SIGTERM');
    expect(await fixture.exited).toEqual({ code: 0, signal: null });
    expect(existsSync(file)).toBe(false);
  });
});
