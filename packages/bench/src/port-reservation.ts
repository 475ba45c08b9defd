// Ports handed to processes under test are also claimed in a shared folder, one file per port
// holding the claimer's PID, so two harnesses running at once on one machine (two benchmarks in
// CI, two people on a shared host) never give the same port to two processes. A claim whose
// owner has died is stale and taken over.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where claims live unless told otherwise. */
export const defaultReservationDir = join(tmpdir(), 'thaw-bench-ports');

function ownerAlive(file: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(file, 'utf8'));
  } catch {
    return false;
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, but another user's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims `port` for this process; false when a live process holds it. Never throws: when the
 * folder cannot be written, claims are skipped (true) and only the bind check protects.
 *
 * @example
 * ```ts
 * if (claimPort(24123)) try { await run(24123); } finally { releasePort(24123); }
 * ```
 */
export function claimPort(port: number, dir: string = defaultReservationDir): boolean {
  const file = join(dir, String(port));
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      remember(file);
      return true;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') return true;
      if (ownerAlive(file)) return false;
      try {
        unlinkSync(file);
      } catch {
        // Another harness took over the stale claim first; the next attempt sees its claim.
      }
    }
  }
  return false;
}

/**
 * Releases a claim made by this process. Never throws.
 *
 * @example
 * ```ts
 * releasePort(24123);
 * ```
 */
export function releasePort(port: number, dir: string = defaultReservationDir): void {
  release(join(dir, String(port)));
}

function release(file: string): void {
  held.delete(file);
  try {
    if (Number(readFileSync(file, 'utf8')) === process.pid) unlinkSync(file);
  } catch {
    // Already gone.
  }
}

const held = new Set<string>();
let exitHookInstalled = false;

// A harness that exits mid-run (interrupted, or a crash) releases what it still holds; if it
// cannot (SIGKILL), its claims are stale and the next claimer takes them over.
function remember(file: string): void {
  held.add(file);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const claim of [...held]) release(claim);
  });
}
