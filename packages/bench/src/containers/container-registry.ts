// Every container the harness starts is recorded here until it has been removed. When the
// harness exits, however it exits (SIGINT, SIGTERM, an uncaught error, process.exit), the ones
// still recorded are removed synchronously by ID before the process is gone.
import { spawnSync } from 'node:child_process';

/** How a recorded container is reached: the global podman flags and environment it was started with. */
interface StoreAccess {
  readonly globalArgs: readonly string[];
  readonly env: NodeJS.ProcessEnv;
}

/** id → how to reach it. */
const live = new Map<string, StoreAccess>();
let installed = false;

/** Removes every recorded container now, synchronously (`podman rm --force`), and forgets them. */
export function removeLiveContainersSync(): void {
  const byStore = new Map<string, { access: StoreAccess; ids: string[] }>();
  for (const [id, access] of live) {
    const key = JSON.stringify(access.globalArgs);
    const entry = byStore.get(key) ?? { access, ids: [] };
    entry.ids.push(id);
    byStore.set(key, entry);
  }
  live.clear();
  for (const { access, ids } of byStore.values()) {
    spawnSync('podman', [...access.globalArgs, 'rm', '--force', '--time', '0', '--ignore', ...ids], {
      stdio: 'ignore',
      timeout: 60_000,
      env: access.env,
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
export function trackContainer(id: string, globalArgs: readonly string[], env: NodeJS.ProcessEnv): void {
  live.set(id, { globalArgs, env });
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
