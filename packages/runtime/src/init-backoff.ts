// Delays between automatic retries of a failing critical initializer: exponential, capped,
// with jitter so that many replicas restarted together do not hit a recovering database in
// lockstep.

/**
 * Retry policy of a critical initializer.
 *
 * @example
 * ```ts
 * init('db', connect, { when: 'critical', retry: { maxAttempts: 5, initialDelayMs: 200 } });
 * ```
 */
export interface RetryOptions {
  /**
   * Attempts before the process gives up and exits with code 1. Unbounded when absent: readiness
   * stays 503 and the initializer keeps retrying.
   * @default undefined (unbounded)
   */
  readonly maxAttempts?: number | undefined;
  /**
   * Delay before the second attempt; each further delay doubles.
   * @default 100
   */
  readonly initialDelayMs?: number;
  /**
   * Upper bound of a delay.
   * @default 10000
   */
  readonly maxDelayMs?: number;
}

/**
 * The defaults of {@link RetryOptions}.
 *
 * @example
 * ```ts
 * init('db', connect, { when: 'critical', retry: { ...defaultRetryOptions, maxAttempts: 10 } });
 * ```
 */
export const defaultRetryOptions = {
  maxAttempts: undefined,
  initialDelayMs: 100,
  maxDelayMs: 10_000,
} as const satisfies Required<RetryOptions>;

/**
 * The delay after failed attempt number `attempt` (1-based): the exponential step capped at
 * `maxDelayMs`, then drawn uniformly from its upper half ("equal jitter"), so it never collapses
 * to zero yet replicas spread out.
 */
export function backoffDelayMs(
  attempt: number,
  policy: { readonly initialDelayMs: number; readonly maxDelayMs: number },
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
