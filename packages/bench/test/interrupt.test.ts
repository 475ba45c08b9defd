import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { defaultReservationDir } from '../src/port-reservation.ts';
import { fixturesDir, isGone } from './fixture-variant.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thaw-bench-interrupt-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

it('kills the process under test by PID and exits 130 when the harness gets SIGINT', async () => {
  const pidFile = join(dir, 'child.pid');
  const harness = spawn(
    process.execPath,
    [
      join(fixturesDir, 'harness.ts'),
      '--variant',
      `stuck=node ${join(fixturesDir, 'never-listen.mjs')}`,
      '--runs',
      '1',
      '--warmup',
      '0',
      '--timeout',
      '60s',
    ],
    { env: { ...process.env, PID_FILE: pidFile, IGNORE_SIGTERM: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  harness.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  harness.stdout.resume();
  const exited = new Promise<number | null>((resolve) =>
    harness.once('exit', (code) => {
      resolve(code);
    }),
  );
  // The file exists a moment before its content does.
  const pidIn = (): number => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0);
  for (let i = 0; i < 500 && pidIn() === 0; i += 1) await new Promise((r) => setTimeout(r, 20));
  const childPid = pidIn();
  expect(childPid).toBeGreaterThan(0);
  expect(isGone(childPid)).toBe(false);
  harness.kill('SIGINT');
  expect(await exited).toBe(130);
  expect(stderr).toContain('SIGINT received; stopping 1 child process(es) and exiting.');
  for (let i = 0; i < 50 && !isGone(childPid); i += 1) await new Promise((r) => setTimeout(r, 20));
  expect(isGone(childPid)).toBe(true);
  // The port it claimed was released on the way out.
  const claims = existsSync(defaultReservationDir) ? readdirSync(defaultReservationDir) : [];
  const held = claims.filter((port) => {
    try {
      return readFileSync(join(defaultReservationDir, port), 'utf8') === String(harness.pid);
    } catch {
      return false;
    }
  });
  expect(held).toEqual([]);
});
