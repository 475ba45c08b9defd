// Every process the harness starts is recorded here until it has been reaped, so an interrupted
// harness (Ctrl-C, SIGTERM from CI) can kill them by PID before it exits instead of leaving
// servers holding ports behind.

const live = new Map<number, Promise<void>>();

/** Records a started child (the leader of its own process group) until `exited` settles. */
export function trackChild(pid: number, exited: Promise<unknown>): void {
  const done = exited.then(
    () => undefined,
    () => undefined,
  );
  live.set(pid, done);
  void done.then(() => live.delete(pid));
}

/**
 * PIDs of children started and not yet reaped.
 *
 * @example
 * ```ts
 * process.on('exit', () => console.error(`still running: ${liveChildren().join(', ')}`));
 * ```
 */
export function liveChildren(): number[] {
  return [...live.keys()];
}

/**
 * Signals a child's whole process group (it was spawned detached, so it leads one), then, while
 * the leader has not been reaped (its PID cannot have been reused yet), the PID itself in case
 * it left the group. Never throws: a process that is gone is the goal.
 */
export function killProcessGroup(pid: number, signal: NodeJS.Signals, leaderReaped = false): void {
  for (const target of leaderReaped ? [-pid] : [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // ESRCH: already gone.
    }
  }
}

/** SIGKILLs every live child and waits (bounded) until each has been reaped. */
export async function killAllChildren(waitMs = 1000): Promise<void> {
  const pending = [...live.entries()];
  for (const [pid] of pending) killProcessGroup(pid, 'SIGKILL');
  // The group may outlive its leader; sweep it once more after the leader is reaped.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMs);
    timer.unref();
  });
  await Promise.race([Promise.all(pending.map(([, done]) => done)), timeout]);
  clearTimeout(timer);
  for (const [pid] of pending) killProcessGroup(pid, 'SIGKILL', true);
}

/** What the interrupt handlers may do; injectable so tests need not exit. */
export interface InterruptHooks {
  readonly exit?: (code: number) => void;
  readonly write?: (line: string) => void;
}

/**
 * On SIGINT or SIGTERM, kills every live child by PID, waits for them to be reaped, then exits
 * (130 or 143). On a plain `exit`, children are SIGKILLed synchronously. Returns the uninstaller.
 *
 * @example
 * ```ts
 * const uninstall = installInterruptHandlers();
 * try { await runBench(plan); } finally { uninstall(); }
 * ```
 */
export function installInterruptHandlers(hooks: InterruptHooks = {}): () => void {
  const exit = hooks.exit ?? ((code: number) => process.exit(code));
  const write = hooks.write ?? ((line: string) => process.stderr.write(line));
  const onSignal = (signal: NodeJS.Signals): void => {
    const pids = liveChildren();
    write(`\nthaw bench: ${signal} received; stopping ${pids.length} child process(es) and exiting.\n`);
    void killAllChildren().then(() => {
      exit(signal === 'SIGINT' ? 130 : 143);
    });
  };
  const onExit = (): void => {
    for (const pid of liveChildren()) killProcessGroup(pid, 'SIGKILL');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  };
}
