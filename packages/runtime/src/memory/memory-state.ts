// The memory figures /metrics reports, process-wide: the container's memory limit (read once)
// and how many requests were refused under memory pressure. The guard writes them, the metrics
// only read them.
import { memoryStateKey } from '../process-keys.ts';
import { readCgroupMemoryLimit, type CgroupMemoryLimit } from './cgroup-memory-limit.ts';

interface MemoryState {
  limit: CgroupMemoryLimit | undefined;
  shed: number;
  shedding: boolean;
}

function state(): MemoryState {
  const holder = globalThis as { [memoryStateKey]?: MemoryState | undefined };
  holder[memoryStateKey] ??= { limit: undefined, shed: 0, shedding: false };
  return holder[memoryStateKey];
}

/**
 * The container's memory limit in bytes (cgroup v2 `memory.max` or v1 `memory.limit_in_bytes`,
 * read once per process), or undefined when the process has none.
 *
 * @example
 * ```ts
 * const limit = memoryLimitBytes();
 * if (limit !== undefined) lines.push(`thaw_memory_limit_bytes ${limit}`);
 * ```
 */
export function memoryLimitBytes(): number | undefined {
  return cgroupMemoryLimit().limitBytes;
}

/** The cgroup memory limit with where it came from, read once per process. */
export function cgroupMemoryLimit(): CgroupMemoryLimit {
  const current = state();
  current.limit ??= readCgroupMemoryLimit();
  return current.limit;
}

/**
 * How many requests this process answered 503 because memory was near its limit.
 *
 * @example
 * ```ts
 * lines.push(`thaw_memory_shed_total ${memoryShedCount()}`);
 * ```
 */
export function memoryShedCount(): number {
  return state().shed;
}

/**
 * Whether new requests are refused right now because memory is near its limit.
 *
 * @example
 * ```ts
 * lines.push(`thaw_memory_shedding ${memoryShedding() ? 1 : 0}`);
 * ```
 */
export function memoryShedding(): boolean {
  return state().shedding;
}

/** Counts one request refused under memory pressure. */
export function countMemoryShed(): void {
  state().shed += 1;
}

/** Records whether the guard sheds now. */
export function setMemoryShedding(shedding: boolean): void {
  state().shedding = shedding;
}
