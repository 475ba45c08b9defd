// One run of `thaw dev`: the function's process, the build that restarts it after each change,
// and Ctrl-C (or SIGTERM) that stops both. The function restarts only once the first build has
// handed over its output file, and restarts queue behind each other, so a stop waits for the
// last one before it stops the function.
import { exitCodes } from '../usage-error.ts';
import type { FromRuntime } from './adapter-entry.ts';
import { startDevBuild, type DevBuild, type DevBuildResult } from './dev-build.ts';
import { FunctionProcess } from './function-process.ts';
import { humanLine, startupSummary } from './log-view.ts';

/** Parsed `thaw dev` arguments. */
export interface DevArgs {
  readonly projectDir: string;
  readonly entry: string;
  readonly port: string;
  readonly from: FromRuntime | undefined;
  readonly target: string | undefined;
  readonly watch: boolean;
  readonly json: boolean;
  readonly help: boolean;
}

function say(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** Splits a stream's chunks into lines, each written as JSON (`json`) or made readable. */
function lineWriter(json: boolean, write: (line: string) => void): (chunk: string) => void {
  let pending = '';
  return (chunk) => {
    pending += chunk;
    let at = pending.indexOf('\n');
    while (at !== -1) {
      const line = pending.slice(0, at);
      pending = pending.slice(at + 1);
      write(json ? line : humanLine(line));
      at = pending.indexOf('\n');
    }
  };
}

/** Runs the function until it is stopped; {@link run} resolves with the exit code. */
export class DevSession {
  readonly #dev: DevArgs;
  readonly #fn: FunctionProcess;
  readonly #finished: Promise<number>;
  #finish: (code: number) => void = () => undefined;
  readonly #builtOnce: Promise<void>;
  #markBuilt: () => void = () => undefined;
  #outfile = '';
  #stopping = false;
  #restarts = Promise.resolve();

  constructor(dev: DevArgs) {
    this.#dev = dev;
    this.#finished = new Promise<number>((resolve) => {
      this.#finish = resolve;
    });
    this.#builtOnce = new Promise<void>((resolve) => {
      this.#markBuilt = resolve;
    });
    this.#fn = this.#functionProcess();
  }

  /** Builds, starts the function, and waits for Ctrl-C (or, with --no-watch, for its exit). */
  async run(): Promise<number> {
    const build = await this.#startBuild();
    this.#outfile = build.outfile;
    this.#markBuilt();
    const { entry, from, port } = this.#dev;
    say(
      `thaw dev: ${entry}${from === undefined ? '' : ` (--from ${from})`} on http://127.0.0.1:${port}; Ctrl-C stops it.`,
    );
    const stop = (): void => {
      this.#stop(build);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const code = await this.#finished;
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    return code;
  }

  #functionProcess(): FunctionProcess {
    const { projectDir, port, target, json } = this.#dev;
    return new FunctionProcess({
      projectDir,
      outfile: () => this.#outfile,
      env: { ...process.env, PORT: port, ...(target === undefined ? {} : { FUNCTION_TARGET: target }) },
      stopGraceMs: 25_000,
      onStdout: lineWriter(json, (line) => process.stdout.write(`${line}\n`)),
      onStderr: lineWriter(json, say),
      onReady: (report) => {
        say(startupSummary(report));
      },
      onExit: (code, signal) => {
        this.#exited(code, signal);
      },
    });
  }

  #exited(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#stopping) return;
    say(
      `thaw dev: the function exited (${signal ?? `code ${String(code)}`}); waiting for a change to restart it.`,
    );
    if (!this.#dev.watch) this.#finish(code === 0 ? exitCodes.ok : exitCodes.failed);
  }

  #startBuild(): Promise<DevBuild> {
    const { projectDir, entry, from, target, watch } = this.#dev;
    return startDevBuild({
      projectDir,
      entry,
      from,
      target,
      watch,
      onBuilt: (result) => {
        this.#built(result);
      },
    });
  }

  #built(result: DevBuildResult): void {
    if (!result.ok) {
      say(
        `thaw dev: the build failed; fix it and save:\n${result.errors.map((error) => `  ${error}`).join('\n')}`,
      );
      return;
    }
    this.#restarts = this.#restarts
      .then(() => this.#builtOnce)
      .then(() => (this.#stopping ? undefined : this.#fn.restart()));
  }

  #stop(build: DevBuild): void {
    if (this.#stopping) return;
    this.#stopping = true;
    void (async () => {
      if (this.#dev.watch) await build.context.dispose();
      await this.#restarts;
      await this.#fn.stop();
      this.#finish(exitCodes.ok);
    })();
  }
}
