// Runs a tracing fixture in a fresh Node process (with the module-resolution recorder loaded
// first) and returns what it reported. The child is always reaped, by PID, within the timeout.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const fixtures = new URL('./fixtures/', import.meta.url);

export interface FixtureRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The object the fixture printed with `report()`. */
  readonly result: Record<string, unknown>;
}

/**
 * Spawns `fixtures/<name>` with only the given environment variables (plus PATH), so that no
 * OTEL_* setting of the machine leaks in.
 */
export function runFixture(
  name: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<FixtureRun> {
  const recorder = fileURLToPath(new URL('record-resolutions.ts', fixtures));
  const child = spawn(process.execPath, ['--import', recorder, fileURLToPath(new URL(name, fixtures))], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('FIXTURE-RESULT '));
      if (line === undefined) {
        reject(
          new Error(
            `Fixture ${name} exited with ${code} without a result.\nstdout: ${stdout}\nstderr: ${stderr}`,
          ),
        );
        return;
      }
      resolve({
        code,
        stdout,
        stderr,
        result: JSON.parse(line.slice('FIXTURE-RESULT '.length)) as Record<string, unknown>,
      });
    });
  });
}
