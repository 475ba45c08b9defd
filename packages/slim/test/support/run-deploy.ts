import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free loopback port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => {
      done(false);
    });
    socket.once('connect', () => {
      done(true);
    });
    socket.once('error', () => {
      done(false);
    });
    socket.connect(port, '127.0.0.1');
  });
}

/** A running deploy folder. */
export interface RunningDeploy {
  readonly port: number;
  readonly dir: string;
  readonly output: () => string;
  readonly get: (path: string) => Promise<{ status: number; body: unknown }>;
  readonly stop: () => Promise<void>;
  /** Sends SIGTERM (the function drains and flushes its telemetry) and resolves with the exit code. */
  readonly terminate: () => Promise<number | null>;
}

/**
 * Copies a deploy folder into a fresh scratch folder (no node_modules anywhere above it but its
 * own), starts `node index.js` there with the test's Node, and waits until it listens.
 */
export async function runDeploy(
  deployDir: string,
  env: Record<string, string> = {},
  nodeFlags: readonly string[] = [],
): Promise<RunningDeploy> {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-slim-run-'));
  cpSync(deployDir, dir, { recursive: true });
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, 'index.js'], {
    cwd: dir,
    env: { PATH: process.env['PATH'] ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      resolve();
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  };
  const deadline = Date.now() + 20_000;
  while (!(await accepts(port))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`The deploy folder did not start listening: ${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    dir,
    output: () => output,
    stop,
    terminate: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return child.exitCode;
    },
    get: async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.json() };
    },
  };
}
