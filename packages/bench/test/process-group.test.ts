import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { runColdStart } from '../src/run.ts';
import { fixtureVariant, isGone } from './fixture-variant.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thaw-bench-group-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('stops the processes a variant started itself, not only the variant', async () => {
  const pidFile = join(dir, 'grandchild.pid');
  const record = await runColdStart(
    fixtureVariant('parent', 'spawns-grandchild.mjs', { GRANDCHILD_PID_FILE: pidFile }),
    { iteration: 0, warmup: false },
    { timeoutMs: 8000 },
  );
  expect(record.ok).toBe(true);
  const grandchild = Number(readFileSync(pidFile, 'utf8'));
  expect(grandchild).toBeGreaterThan(0);
  // A SIGKILLed process may linger for a moment until its parent (init) reaps it.
  for (let i = 0; i < 50 && !isGone(grandchild); i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(isGone(grandchild)).toBe(true);
  expect(isGone(record.pid!)).toBe(true);
});
