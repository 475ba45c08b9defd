import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimPort, releasePort } from './port-reservation.ts';

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'thaw-bench-claims-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('cross-process port claims', () => {
  it('claims a port once; a claim held by a live process blocks it until released', () => {
    expect(claimPort(20001, dir)).toBe(true);
    expect(readFileSync(join(dir, '20001'), 'utf8')).toBe(String(process.pid));
    expect(claimPort(20001, dir)).toBe(false);
    writeFileSync(join(dir, '20002'), String(process.ppid));
    expect(claimPort(20002, dir)).toBe(false);
    releasePort(20001, dir);
    expect(existsSync(join(dir, '20001'))).toBe(false);
    expect(claimPort(20001, dir)).toBe(true);
  });

  it('takes over a claim whose owner has died, and never releases another process’s claim', () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
      encoding: 'utf8',
    });
    writeFileSync(join(dir, '20003'), dead.stdout);
    expect(claimPort(20003, dir)).toBe(true);
    expect(readFileSync(join(dir, '20003'), 'utf8')).toBe(String(process.pid));
    writeFileSync(join(dir, '20004'), String(process.ppid));
    releasePort(20004, dir);
    expect(existsSync(join(dir, '20004'))).toBe(true);
  });
});
