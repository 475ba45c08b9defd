// Polls a probe at a fixed period counted from spawn, the way Knative's queue-proxy probes a
// starting container: attempt k starts at spawn + k·interval (or right after attempt k−1 when
// that one ran late), so the measured time is quantized to the interval, not to the harness's
// own delays.

/** One probe attempt: true when the process passed. */
export type ProbeAttempt = () => Promise<boolean>;

/** When and how long to poll. */
export interface PollSchedule {
  /** `clock()` value at spawn. */
  readonly originMs: number;
  readonly intervalMs: number;
  /** `clock()` value after which polling gives up. */
  readonly deadlineMs: number;
  readonly clock: () => number;
  /** Polling stops early when this returns true (the child exited). */
  readonly stopped: () => boolean;
  /** Settles when polling should stop early, so a wait is cut short. */
  readonly stopSignal: Promise<unknown>;
}

function sleep(ms: number, cut: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slept = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([slept, cut.then(() => undefined)]).finally(() => {
    clearTimeout(timer);
  });
}

/**
 * Runs `attempt` at each tick until it passes; resolves with the `clock()` time it passed, or
 * undefined on deadline or stop.
 *
 * @example
 * ```ts
 * const readyAt = await pollUntil(() => canConnect(port, 100), schedule);
 * ```
 */
export async function pollUntil(attempt: ProbeAttempt, schedule: PollSchedule): Promise<number | undefined> {
  const { originMs, intervalMs, deadlineMs, clock } = schedule;
  for (;;) {
    if (schedule.stopped() || clock() > deadlineMs) return undefined;
    if (await attempt()) return clock();
    const now = clock();
    const nextTick = originMs + Math.ceil((now - originMs) / intervalMs + 1e-9) * intervalMs;
    const wait = Math.min(nextTick, deadlineMs + 1) - now;
    if (wait > 0) await sleep(wait, schedule.stopSignal);
  }
}
