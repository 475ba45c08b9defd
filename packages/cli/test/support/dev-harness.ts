// What the thaw dev and thaw invoke tests share: a scratch function project, free ports, thaw
// invoke run to completion, and thaw dev run in the background with its output collected.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const repoRoot = join(import.meta.dirname, '..', '..', '..', '..');
export const main = join(import.meta.dirname, '..', '..', 'src', 'main.ts');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** A function project in a scratch folder, resolving packages from the workspace. */
export function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'thaw-dev-'));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export function invoke(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [main, 'invoke', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export class Dev {
  readonly child: ChildProcess;
  out = '';
  readonly #closed: Promise<number | null>;
  constructor(dir: string, args: readonly string[]) {
    this.child = spawn(process.execPath, [main, 'dev', ...args], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    this.child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.out += chunk));
    this.#closed = new Promise((resolve) => {
      this.child.once('close', (code) => {
        resolve(code);
      });
    });
  }
  async waitFor(pattern: RegExp, count = 1, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.out.match(new RegExp(pattern.source, 'g')) ?? []).length < count) {
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`No ${String(pattern)} in:\n${this.out}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  /** Resolves with the exit code (null when a signal ended it) once its output is closed. */
  exited(): Promise<number | null> {
    return this.#closed;
  }
}
