// The process-wide set of initializers, on globalThis under `initializersKey` (process-keys.ts) so that every copy
// of the runtime in one process (a bundle and a library importing it) shares one registry and
// one duplicate-name check. serve() reads it for readiness and the startup report.
import { jsonLogger, type Logger } from './logger.ts';
import { initializersKey } from './process-keys.ts';

/** When an initializer runs. */
export type InitWhen = 'critical' | 'background' | 'on-demand';

/** Where an initializer stands. */
export type InitState = 'idle' | 'pending' | 'ready' | 'failed';

/** A read-only view of one initializer, for readiness, `ctx.initializers` and the report. */
export interface InitializerStatus {
  readonly name: string;
  readonly when: InitWhen;
  readonly state: InitState;
  /** Attempts started so far. */
  readonly attempts: number;
  /** Start of the first attempt, ms since process start. */
  readonly startMs?: number;
  /** End of the successful attempt, or of the last failed one. */
  readonly endMs?: number;
  /** Last error, secrets redacted; absent once ready. */
  readonly error?: string;
  /** Delay before the next automatic retry, when one is scheduled. */
  readonly nextAttemptInMs?: number;
}

/** What the registry needs from each initializer. */
export interface RegisteredInitializer {
  status(): InitializerStatus;
  /** Starts an attempt unless one is running or the value is there (used for critical and background). */
  start(): void;
}

interface Registry {
  readonly initializers: Map<string, RegisteredInitializer>;
  readonly listeners: Set<() => void>;
  /** Aborted when the process starts shutting down; passed to every factory. */
  abort: AbortController;
  logger: Logger;
  /** Kinds the server has started; an initializer declared later of such a kind starts at once. */
  readonly started: Set<InitWhen>;
  /** Called when a critical initializer used up `maxAttempts`. */
  onExhausted: ((name: string, error: unknown) => void) | undefined;
}

/** The process-wide registry, created on first use. */
export function initRegistry(): Registry {
  const holder = globalThis as { [initializersKey]?: Registry | undefined };
  let registry = holder[initializersKey];
  if (registry === undefined) {
    registry = {
      initializers: new Map(),
      listeners: new Set(),
      started: new Set(),
      abort: new AbortController(),
      logger: jsonLogger(),
      onExhausted: undefined,
    };
    holder[initializersKey] = registry;
  }
  return registry;
}

/** Statuses of every initializer, in creation order. */
export function initializerStatuses(): InitializerStatus[] {
  return [...initRegistry().initializers.values()].map((initializer) => initializer.status());
}

/** True when every critical initializer has its value. */
export function criticalInitsReady(): boolean {
  return initializerStatuses().every((status) => status.when !== 'critical' || status.state === 'ready');
}

/** Starts every initializer declared with the given `when` that is not running or done. */
export function startInitializers(when: InitWhen): void {
  const registry = initRegistry();
  registry.started.add(when);
  for (const initializer of registry.initializers.values()) {
    if (initializer.status().when === when) initializer.start();
  }
}

/** Subscribes to state changes of any initializer; returns the unsubscribe function. */
export function onInitializerChange(listener: () => void): () => void {
  const { listeners } = initRegistry();
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Tells the subscribers that an initializer changed state. */
export function notifyInitializerChange(): void {
  for (const listener of initRegistry().listeners) listener();
}

/** Test seam: forget every initializer and start a fresh abort signal. */
export function resetInitializersForTesting(): void {
  const registry = initRegistry();
  registry.initializers.clear();
  registry.listeners.clear();
  registry.started.clear();
  registry.abort = new AbortController();
  registry.onExhausted = undefined;
}
