// The process-wide invocation count that /metrics reports. The core counts every invocation
// (one increment, loaded statically with it); metrics and tracing only read it.
import { invocationCountKey } from '../process-keys.ts';

interface InvocationCounter {
  total: number;
}

// The shared counter, found (or made) on first use and kept: every invocation counts, and the
// object is the one every copy of the runtime finds under the key.
let shared: InvocationCounter | undefined;

function counter(): InvocationCounter {
  if (shared !== undefined) return shared;
  const holder = globalThis as { [invocationCountKey]?: InvocationCounter | undefined };
  holder[invocationCountKey] ??= { total: 0 };
  shared = holder[invocationCountKey];
  return shared;
}

/** Counts one invocation, process-wide (every copy of the runtime shares the count). */
export function countInvocation(): void {
  counter().total += 1;
}

/**
 * How many invocations this process has started.
 *
 * @example
 * ```ts
 * invocationCount(); // 0 before the first request
 * ```
 */
export function invocationCount(): number {
  return counter().total;
}
