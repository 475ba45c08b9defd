// A process under test: spawned as the leader of its own process group (so the whole tree can be
// stopped), with stderr's tail kept for failure messages, an IPC channel when it is Node, and a
// stop() that always ends in a reaped process.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { ReadyMessage, StartupReportMessage } from './startup-report.ts';
import { killProcessGroup, trackChild } from './child-registry.ts';
import { BenchError } from './errors.ts';
import { redactText } from './redact.ts';
import { type RunExit } from './run-record.ts';

/** How to start the child. */
export interface ChildSpec {
  readonly variant: string;
  readonly command: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly stderrTailBytes: number;
}

/** A running (or finished) child. */
export interface ChildHandle {
  readonly pid: number;
  /** Settles with the exit status once the child has been reaped. */
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  hasExited(): boolean;
  stderrTail(): string;
  /** Messages `thaw:ready` / `thaw:startup`, with the `clock()` time each arrived. */
  readonly messages: {
    ready?: { message: ReadyMessage; atMs: number };
    startup?: { message: StartupReportMessage; atMs: number };
  };
  /** Settles when `thaw:startup` arrives (never rejects). */
  readonly startupReceived: Promise<void>;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves once reaped. */
  stop(graceMs: number): Promise<RunExit>;
}

/** How long stop() waits for the child's stdio to drain after it exited. */
const stdioDrainMs = 500;

function isThawMessage(value: unknown): value is ReadyMessage | StartupReportMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { type, report } = value as { type?: unknown; report?: unknown };
  return (type === 'thaw:ready' || type === 'thaw:startup') && typeof report === 'object' && report !== null;
}

/**
 * The program actually executed: `node` means the Node running the harness, so every variant
 * and the harness share one Node version.
 */
export function resolveProgram(command: readonly string[]): {
  program: string;
  args: string[];
  isNode: boolean;
} {
  const [first = '', ...args] = command;
  const isNode = first === 'node' || first === process.execPath;
  return { program: first === 'node' ? process.execPath : first, args, isNode };
}

/**
 * Spawns the child and resolves once it has started. Throws `THAW_BENCH_COMMAND_NOT_FOUND` when
 * the program does not exist and `THAW_BENCH_SPAWN_FAILED` for any other spawn failure.
 *
 * @example
 * ```ts
 * const child = await startChild({ variant: 'base', command: ['node', 'a.js'], cwd, env, stderrTailBytes: 4096 }, clock);
 * ```
 */
export async function startChild(spec: ChildSpec, clock: () => number): Promise<ChildHandle> {
  if (!existsSync(spec.cwd)) {
    throw new BenchError(
      'THAW_BENCH_SPAWN_FAILED',
      `Variant "${spec.variant}": its working directory ${spec.cwd} does not exist. Fix the variant's cwd (relative to the bench file).`,
    );
  }
  const { program, args, isNode } = resolveProgram(spec.command);
  const child: ChildProcess = spawn(program, args, {
    cwd: spec.cwd,
    env: { ...process.env, ...spec.env },
    stdio: isNode ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    detached: true,
    serialization: 'json',
  });
  const status = watchExit(child);
  // Tracked from the moment it exists: an interrupt arriving before 'spawn' must still reach it.
  if (child.pid !== undefined) trackChild(child.pid, status.exited);
  await spawned(child, spec);
  const pid = child.pid as number;
  const tail = keepStderrTail(child, spec.stderrTailBytes);
  child.stdout?.resume();
  child.on('error', () => {
    // Errors after spawn (a failed kill, a broken IPC pipe) surface through the exit status.
  });
  const { messages, startupReceived } = collectMessages(child, clock);
  return {
    pid,
    exited: status.exited,
    hasExited: status.hasExited,
    stderrTail: () => redactText(tail()),
    messages,
    startupReceived,
    stop: (graceMs) => stopChild(child, pid, status, graceMs),
  };
}

interface ExitStatus {
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** After 'exit', once stdout and stderr are drained. */
  readonly closed: Promise<void>;
  readonly hasExited: () => boolean;
}

function watchExit(child: ChildProcess): ExitStatus {
  let exitedFlag = false;
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedFlag = true;
      resolve({ code, signal });
    });
  });
  // 'close' comes after 'exit' once stdout and stderr are drained: the last words of a crashing
  // process are often the only explanation of the crash.
  const closed = new Promise<void>((resolve) => {
    child.once('close', () => {
      resolve();
    });
  });
  return { exited, closed, hasExited: () => exitedFlag };
}

function spawned(child: ChildProcess, spec: ChildSpec): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (error: NodeJS.ErrnoException) => {
      const missing = error.code === 'ENOENT' || error.code === 'EACCES';
      reject(
        new BenchError(
          missing ? 'THAW_BENCH_COMMAND_NOT_FOUND' : 'THAW_BENCH_SPAWN_FAILED',
          missing
            ? `Variant "${spec.variant}": the command "${spec.command[0] ?? ''}" was not found or is not executable (${error.code}). Check the variant's command and PATH.`
            : `Variant "${spec.variant}": starting "${redactText(spec.command.join(' '))}" failed (${error.message}).`,
          { cause: error },
        ),
      );
    });
  });
}

function keepStderrTail(child: ChildProcess, bytes: number): () => string {
  let tail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    tail = (tail + chunk).slice(-bytes);
  });
  return () => tail;
}

function collectMessages(
  child: ChildProcess,
  clock: () => number,
): Pick<ChildHandle, 'messages' | 'startupReceived'> {
  const messages: ChildHandle['messages'] = {};
  let onStartup: () => void = () => undefined;
  const startupReceived = new Promise<void>((resolve) => {
    onStartup = resolve;
  });
  child.on('message', (message: unknown) => {
    if (!isThawMessage(message)) return;
    if (message.type === 'thaw:ready') messages.ready ??= { message, atMs: clock() };
    else {
      messages.startup ??= { message, atMs: clock() };
      onStartup();
    }
  });
  return { messages, startupReceived };
}

// SIGTERM to the whole process group, SIGKILL after the grace, then whatever the leader left.
async function stopChild(
  child: ChildProcess,
  pid: number,
  status: ExitStatus,
  graceMs: number,
): Promise<RunExit> {
  const beforeKill = status.hasExited();
  killProcessGroup(pid, 'SIGTERM', status.hasExited());
  let timer: NodeJS.Timeout | undefined;
  const graceOver = new Promise<'grace'>((resolve) => {
    timer = setTimeout(() => {
      resolve('grace');
    }, graceMs);
  });
  if ((await Promise.race([status.exited, graceOver])) === 'grace') {
    killProcessGroup(pid, 'SIGKILL', status.hasExited());
  }
  clearTimeout(timer);
  await status.exited;
  // Anything the leader left in its group goes too.
  killProcessGroup(pid, 'SIGKILL', true);
  const exit = await status.exited;
  let drainTimer: NodeJS.Timeout | undefined;
  await Promise.race([
    status.closed,
    new Promise<void>((resolve) => {
      drainTimer = setTimeout(resolve, stdioDrainMs);
    }),
  ]);
  clearTimeout(drainTimer);
  if (child.connected) child.disconnect();
  child.stdout?.destroy();
  child.stderr?.destroy();
  return { code: exit.code, signal: exit.signal, beforeKill };
}
