// Shared by the integration tests: a variant running one of the fixture servers, and a check
// that a process is really gone.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type ReadyProbe, type VariantSpec } from '../src/config.ts';

export const fixturesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

export function fixtureVariant(
  name: string,
  script: string,
  env: Record<string, string> = {},
  ready: ReadyProbe = 'tcp',
): VariantSpec {
  return {
    name,
    baseline: false,
    command: ['node', script],
    cwd: fixturesDir,
    env,
    ready,
    request: { method: 'GET', path: '/', headers: {} },
  };
}

/**
 * True when no process with this PID runs: none exists (signal 0 probes without signalling), or
 * it is a zombie, dead and waiting to be reaped by init after its parent died (it holds no port
 * and no memory; only its process table entry is left).
 */
export function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
