// The process-wide invocation count that /metrics reports and tracing adds to. Loaded
// statically with the core (counting is part of every request), unlike tracing.
interface InvocationCounter {
  total: number;
}

const key: unique symbol = Symbol.for('thaw.runtime.invocation-count');

function counter(): InvocationCounter {
  const holder = globalThis as { [key]?: InvocationCounter | undefined };
  let value = holder[key];
  if (value === undefined) {
    value = { total: 0 };
    holder[key] = value;
  }
  return value;
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
