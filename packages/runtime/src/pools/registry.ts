import { addStats, addWarmupTask, onShutdown, removeStats, whenReady } from '../lifecycle.ts';
import { ManagedPool, type ManagedPoolSpec, type PoolCloseReport } from './managed-pool.ts';
import {
  PoolClosedError,
  PoolExistsError,
  PoolLeakError,
  PoolNotFoundError,
  type PoolKind,
} from './pool-errors.ts';
import { poolsKey } from '../process-keys.ts';

// One registry per process, on globalThis under `poolsKey` (process-keys.ts): a bundled and an unbundled
// copy of @thaw/runtime in the same process see the same pools, as they see the same lifecycle.

interface PoolRegistry {
  readonly version: 1;
  /** In creation order; closing removes the entry so the name can be used again. */
  readonly pools: Map<string, ManagedPool<unknown>>;
}

function registry(): PoolRegistry {
  const holder = globalThis as { [poolsKey]?: PoolRegistry | undefined };
  let found = holder[poolsKey];
  if (found === undefined) {
    found = { version: 1, pools: new Map() };
    holder[poolsKey] = found;
  }
  return found;
}

/**
 * The key of a pool's gauges in `lifecycle().stats` (and so in the startup report and `/metrics`).
 *
 * @example
 * ```ts
 * lifecycle().stats.get(statsKeyOf('main'))?.(); // { size: 1, idle: 1, borrowed: 0, waiting: 0, … }
 * ```
 */
export function statsKeyOf(poolName: string): string {
  return `pool:${poolName}`;
}

/** What identifies a pool: compared on every call, so it must be cheap. */
export interface PoolIdentity {
  readonly kind: PoolKind;
  readonly name: string;
  readonly fingerprint: string;
  /** The configuration with secrets redacted, computed only for a new pool or an error. */
  readonly shown: () => string;
}

/**
 * The pool of that name: the existing one when the configuration matches, a new one (registered
 * with the lifecycle: disposer, gauges, warm-up after ready) when the name is free. `build`
 * (validation, options) runs only for a new pool, so asking on every request costs one lookup.
 */
export function poolFor<T>(
  identity: PoolIdentity,
  build: () => Omit<ManagedPoolSpec<T>, 'kind' | 'name' | 'fingerprint' | 'shownConfig'>,
): ManagedPool<T> {
  const { pools } = registry();
  const existing = pools.get(identity.name);
  if (existing !== undefined) {
    if (!existing.isOpen) throw new PoolClosedError(identity.name, existing.kind);
    if (existing.kind !== identity.kind || existing.fingerprint !== identity.fingerprint) {
      const shown = identity.shown();
      throw new PoolExistsError(
        identity.name,
        { kind: existing.kind, shown: existing.shownConfig },
        { kind: identity.kind, shown },
        existing.kind === identity.kind && existing.shownConfig === shown,
      );
    }
    return existing as ManagedPool<T>;
  }
  const { kind, name, fingerprint } = identity;
  const pool = new ManagedPool<T>({ kind, name, fingerprint, shownConfig: identity.shown(), ...build() });
  pools.set(name, pool);
  register(pool);
  return pool;
}

/** An existing pool by name, for calls that give no configuration. */
export function existingPool<T>(kind: PoolKind, name: string): ManagedPool<T> {
  const existing = registry().pools.get(name);
  if (existing === undefined) throw new PoolNotFoundError(name, kind);
  if (!existing.isOpen) throw new PoolClosedError(name, existing.kind);
  if (existing.kind !== kind) throw new PoolNotFoundError(name, kind);
  return existing as ManagedPool<T>;
}

function register(pool: ManagedPool<unknown>): void {
  let closedHere = false;
  onShutdown(`pool ${pool.name} (${pool.kind})`, async () => {
    const first = !closedHere && pool.isOpen;
    const report = await closeOne(pool);
    closedHere = true;
    // Reported once, by whoever closed it, so a leak is never hidden and never repeated.
    if (first && report.leaked > 0) throw leakError(report);
  });
  addStats(statsKeyOf(pool.name), gaugesOf.get(pool) ?? gaugesFor(pool));
  if (pool.options.warm) {
    whenReady(`pool ${pool.name} warm-up`, () => pool.warm());
    // A warm-up ping after ready reopens what the server or an idle timeout closed since.
    topUpRemovers.set(
      pool,
      addWarmupTask(`pool ${pool.name} top-up`, () => pool.topUp()),
    );
  }
}

const topUpRemovers = new WeakMap<ManagedPool<unknown>, () => void>();

// One provider per pool, so closing a pool removes its own gauges and never a newer pool's.
const gaugesOf = new WeakMap<ManagedPool<unknown>, () => Readonly<Record<string, number>>>();
function gaugesFor(pool: ManagedPool<unknown>): () => Readonly<Record<string, number>> {
  const provider = (): Readonly<Record<string, number>> => pool.stats();
  gaugesOf.set(pool, provider);
  return provider;
}

async function closeOne(pool: ManagedPool<unknown>): Promise<PoolCloseReport> {
  topUpRemovers.get(pool)?.();
  const report = await pool.close();
  const { pools } = registry();
  // A later pool may already use the name again; its entry and gauges are not this one's to remove.
  if (pools.get(pool.name) === pool) {
    pools.delete(pool.name);
    removeStats(statsKeyOf(pool.name), gaugesOf.get(pool));
  }
  return report;
}

function leakError(report: PoolCloseReport): PoolLeakError {
  return new PoolLeakError(
    report.poolName,
    report.kind,
    report.leaked,
    report.leakedWhat,
    report.drainTimeoutMs,
  );
}

/**
 * Drains every pool, newest first, each within its own `drainTimeoutMs`, and says what each
 * one found. For processes that do not use `serve()` (which drains pools on shutdown itself):
 * scripts, tests, other servers. Leaks are reported through each pool's logger too.
 *
 * @example
 * ```ts
 * process.once('SIGTERM', () => {
 *   void drainPools().then(() => process.exit(0));
 * });
 * ```
 */
export async function drainPools(): Promise<PoolCloseReport[]> {
  const newestFirst = [...registry().pools.values()].reverse();
  const reports: PoolCloseReport[] = [];
  for (const pool of newestFirst) {
    const wasOpen = pool.isOpen;
    const report = await closeOne(pool);
    if (wasOpen && report.leaked > 0) pool.options.logger.warn(leakError(report).message);
    reports.push(report);
  }
  return reports;
}

/**
 * Drains one pool by name (bounded by its `drainTimeoutMs`); the name is free again afterwards.
 * Resolves `undefined` when no pool has that name.
 *
 * @example
 * ```ts
 * await closePool('reports-db');
 * ```
 */
export async function closePool(name: string): Promise<PoolCloseReport | undefined> {
  const pool = registry().pools.get(name);
  if (pool === undefined) return undefined;
  const wasOpen = pool.isOpen;
  const report = await closeOne(pool);
  if (wasOpen && report.leaked > 0) pool.options.logger.warn(leakError(report).message);
  return report;
}

/**
 * Names of the pools that exist now, in creation order.
 *
 * @example
 * ```ts
 * poolNames(); // ['main', 'cache']
 * ```
 */
export function poolNames(): string[] {
  return [...registry().pools.keys()];
}
