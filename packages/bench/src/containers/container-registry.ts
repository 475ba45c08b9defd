// Every container the harness starts is recorded here until it has been removed. When the
// harness exits, however it exits (SIGINT, SIGTERM, an uncaught error, process.exit), the ones
// still recorded are removed synchronously by ID before the process is gone.
import { spawnSync } from 'node:child_process';

/** id → the global podman flags (store, runtime) it was started with. */
const live = new Map<string, readonly string[]>();
let installed = false;

/** Removes every recorded container now, synchronously (`podman rm --force`), and forgets them. */
export function removeLiveContainersSync(): void {
  const byStore = new Map<string, string[]>();
  for (const [id, globalArgs] of live) {
    const key = JSON.stringify(globalArgs);
    byStore.set(key, [...(byStore.get(key) ?? []), id]);
  }
  live.clear();
  for (const [key, ids] of byStore) {
    const globalArgs = JSON.parse(key) as string[];
    spawnSync('podman', [...globalArgs, 'rm', '--force', '--time', '0', '--ignore', ...ids], {
      stdio: 'ignore',
      timeout: 60_000,
    });
  }
}

function onSignal(signal: NodeJS.Signals): void {
  removeLiveContainersSync();
  // Alone on this signal, the handler would swallow it: restore the default and re-raise, so
  // the process ends as it would have. With other handlers (the bench CLI's), they decide.
  if (process.listenerCount(signal) === 1) {
    uninstall();
    process.kill(process.pid, signal);
  }
}

function uninstall(): void {
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onSignal);
  process.off('exit', removeLiveContainersSync);
  installed = false;
}

/** Records a started container; installs the exit and signal handlers on first use. */
export function trackContainer(id: string, globalArgs: readonly string[]): void {
  live.set(id, globalArgs);
  if (installed) return;
  installed = true;
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
  process.on('exit', removeLiveContainersSync);
}

/** Forgets a removed container; the handlers go when none is left. */
export function untrackContainer(id: string): void {
  live.delete(id);
  if (live.size === 0 && installed) uninstall();
}

/**
 * IDs of the containers started and not yet removed.
 *
 * @example
 * ```ts
 * process.on('beforeExit', () => console.error(`still running: ${liveContainers().join(', ')}`));
 * ```
 */
export function liveContainers(): string[] {
  return [...live.keys()];
}
