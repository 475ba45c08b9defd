// Runs an image the way a container runtime would, with nothing but the image itself: the
// rootfs and runtime config that `umoci unpack` produced, entered with `unshare --root` as the
// image's user, its env, working directory and args.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** The parts of an OCI runtime bundle's config.json the tests use. */
export interface BundleProcess {
  readonly user: { readonly uid: number; readonly gid: number };
  readonly args: readonly string[];
  readonly env: readonly string[];
  readonly cwd: string;
}

/** Reads `process` from an unpacked bundle's config.json. */
export function bundleProcess(bundle: string): BundleProcess {
  const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { process: BundleProcess };
  return config.process;
}

/** A process started from a bundle. */
export interface RunningBundle {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly stop: () => Promise<void>;
}

/** Starts the bundle's process in its rootfs with `PORT` (and `extraEnv`) set. */
export function runBundle(
  bundle: string,
  port: number,
  extraEnv: Readonly<Record<string, string>> = {},
): RunningBundle {
  const proc = bundleProcess(bundle);
  const env: Record<string, string> = { PORT: String(port) };
  for (const line of proc.env) {
    const eq = line.indexOf('=');
    env[line.slice(0, eq)] = line.slice(eq + 1);
  }
  Object.assign(env, extraEnv);
  const child = spawn(
    'unshare',
    [
      `--root=${join(bundle, 'rootfs')}`,
      `--wd=${proc.cwd}`,
      '--setuid',
      String(proc.user.uid),
      '--setgid',
      String(proc.user.gid),
      ...proc.args,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const stop = (): Promise<void> =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => {
          child.once('exit', () => {
            resolve();
          });
          if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
        });
  return { child, output: () => output, stop };
}

/** Polls `url` until it answers 200 (resolving with the body) or `timeoutMs` passes. */
export async function waitFor200(url: string, child: ChildProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000), headers: { connection: 'close' } });
      const body = await res.text();
      if (res.status === 200) return body;
      last = `status ${res.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 (${last}; exit code ${child.exitCode})`);
}
