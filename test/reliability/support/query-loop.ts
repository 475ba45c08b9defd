// A bounded loop of operations (queries, commands) that records when each started, ended and
// whether it failed, so a scenario can tell errors inside an outage from errors outside it.

/** One operation's record. */
export interface Attempt {
  readonly startedAt: number;
  readonly endedAt: number;
  readonly error: string | undefined;
}

/** A running loop; `stop()` ends it and resolves every attempt made. */
export interface OperationLoop {
  readonly attempts: Attempt[];
  stop(): Promise<Attempt[]>;
}

/** Runs `operation` from `workers` loops, `pauseMs` apart, until stopped or `maxAttempts` each. */
export function startLoop(
  operation: () => Promise<unknown>,
  options: { workers: number; pauseMs: number; maxAttempts: number },
): OperationLoop {
  const attempts: Attempt[] = [];
  let stopped = false;
  const workers = Array.from({ length: options.workers }, async () => {
    for (let made = 0; made < options.maxAttempts && !stopped; made += 1) {
      const startedAt = performance.now();
      try {
        await operation();
        attempts.push({ startedAt, endedAt: performance.now(), error: undefined });
      } catch (error) {
        attempts.push({
          startedAt,
          endedAt: performance.now(),
          error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
    }
  });
  return {
    attempts,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      return attempts;
    },
  };
}

/** Figures of one outage window: errors inside it, errors after it, recovery time. */
export function outageFigures(
  attempts: readonly Attempt[],
  window: { readonly from: number; readonly to: number },
  graceMs: number,
): {
  errorsDuringOutage: number;
  errorsAfterRecoveryGrace: number;
  recoveryMs: number;
  longestAttemptMs: number;
} {
  const inWindow = attempts.filter((a) => a.endedAt >= window.from && a.startedAt <= window.to + graceMs);
  const after = attempts.filter((a) => a.startedAt > window.to + graceMs);
  const firstSuccess = attempts
    .filter((a) => a.error === undefined && a.startedAt >= window.to)
    .reduce((first, a) => Math.min(first, a.endedAt), Number.POSITIVE_INFINITY);
  return {
    errorsDuringOutage: inWindow.filter((a) => a.error !== undefined).length,
    errorsAfterRecoveryGrace: after.filter((a) => a.error !== undefined).length,
    recoveryMs: Math.round(firstSuccess - window.to),
    longestAttemptMs: Math.round(Math.max(0, ...inWindow.map((a) => a.endedAt - a.startedAt))),
  };
}
