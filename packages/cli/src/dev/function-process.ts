// The function's process under `thaw dev`: started from the built file with the project's .env,
// PORT defaulted, an IPC channel for the runtime's ready report; on a restart or Ctrl-C the old
// process gets SIGTERM, so it drains and runs its disposers as in production, and SIGKILL only
// if it has not exited after the grace period. A preloaded watch (parent-watch.ts) stops the
// function when thaw dev itself dies without stopping it.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { StartupReport } from '@thaw/runtime';

// The watch is built next to this file (.js in dist/, .ts when run from the sources).
const parentWatch = new URL(
  `./parent-watch${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`,
  import.meta.url,
).href;

/** How the process is started and where its output goes. */
export interface FunctionProcessOptions {
  readonly projectDir: string;
  /** The built file to run, read at each start. */
  readonly outfile: () => string;
  readonly env: NodeJS.ProcessEnv;
  readonly stopGraceMs: number;
  readonly onStdout: (chunk: string) => void;
  readonly onStderr: (chunk: string) => void;
  readonly onReady: (report: StartupReport) => void;
  readonly onExit: (code: number | null, signal: NodeJS.Signals | null) => void;
}

/** Starts and restarts the function's process. */
export class FunctionProcess {
  readonly #options: FunctionProcessOptions;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();

  constructor(options: FunctionProcessOptions) {
    this.#options = options;
  }

  /** The running process's pid, if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Stops the running process (if any), then starts a new one. */
  async restart(): Promise<void> {
    await this.stop();
    this.#start();
  }

  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#child = undefined;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.#options.stopGraceMs);
      timer.unref();
      await this.#exited;
      clearTimeout(timer);
    }
  }

  #start(): void {
    const { projectDir, outfile, env } = this.#options;
    const envFile = join(projectDir, '.env');
    const args = [
      '--enable-source-maps',
      `--import=${parentWatch}`,
      ...(existsSync(envFile) ? [`--env-file=${envFile}`] : []),
      outfile(),
    ];
    const child = spawn(process.execPath, args, {
      cwd: projectDir,
      env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.#child = child;
    child.stdout?.setEncoding('utf8').on('data', this.#options.onStdout);
    child.stderr?.setEncoding('utf8').on('data', this.#options.onStderr);
    child.on('message', (message: { type?: unknown; report?: StartupReport }) => {
      if (message.type === 'thaw:ready' && message.report !== undefined)
        this.#options.onReady(message.report);
    });
    this.#exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        this.#options.onExit(code, signal);
        resolve();
      });
    });
  }
}
