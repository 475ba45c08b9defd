// When the OpenTelemetry SDK may load. Each import() of an SDK package evaluates its module graph
// in one synchronous run, and a readiness probe that arrives meanwhile waits for it: Knative's
// queue-proxy gives a probe 100 ms. So the SDK is loaded one package at a time, dependencies
// first (each import() then evaluates a small graph, the packages it imports being loaded
// already), and between two steps the pacer rests, on a timer, twice as long as the step before
// took, so that probes and requests get their turn; the load starts only after a quiet moment
// and each step waits while a request is running. Waiting is bounded in all: a function that is
// never quiet still gets its SDK, and a shutdown ends every wait at once.
//
// Why rest, and not only yield a macrotask: under a CPU limit (Knative's `500m`), a load that
// runs its steps back to back spends the container's CPU quota for the period, and the kernel
// then stops the whole process until the next period — a probe that arrives then waits for the
// throttling and for the step after it. Resting twice as long as each step took keeps the load at
// no more than a third of the CPU the process gets, whatever the limit (a step's wall time grows
// with the throttling), so most of the quota is left for the probes. And a fresh connection (the
// queue-proxy probes on one each time) is accepted and read in two turns of the event loop: with
// only a macrotask between steps, a step could run between the two; a rest on a timer lets the
// loop wait for I/O, which answers the probe first.

/** What {@link LoadPacer} is given. */
export interface LoadPacerOptions {
  /** How long no request must have been running before the load starts (`sdkQuietMs`). */
  readonly quietMs: number;
  /**
   * The longest the load waits for quiet moments, in all (`sdkIdleDelayMs`); once spent, steps
   * are only separated by a macrotask.
   */
  readonly maxWaitMs: number;
  /**
   * After each step, how long to rest before the next one, as a multiple of the step's own wall
   * time (`2`: twice as long as the step took). `0`: only a macrotask between two steps.
   * @default 2
   */
  readonly restRatio?: number;
  /** The longest rest after one step, ms (a step that waited on slow I/O rests no longer). @default 50 */
  readonly maxRestMs?: number;
  /** A monotonic clock in ms. */
  readonly now?: () => number;
}

/**
 * Tracks the requests running and paces the steps of the SDK load around them.
 *
 * @example
 * ```ts
 * const pacer = new LoadPacer({ quietMs: 100, maxWaitMs: 1000 });
 * pacer.requestStarted(); // … pacer.requestEnded() when its response is finished
 * await pacer.whenQuiet();
 * for (const load of steps) {
 *   await pacer.pace();
 *   await load();
 * }
 * ```
 */
export class LoadPacer {
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  readonly #restRatio: number;
  readonly #maxRestMs: number;
  /** When the step running now started; undefined before the first step. */
  #stepStartMs: number | undefined;
  #restedMs = 0;
  /** Ends the rest under way (a shutdown hurries). */
  #endRest: () => void = noRest;
  #inFlight = 0;
  #lastEndMs: number | undefined;
  #waitedMs = 0;
  #hurried = false;
  #steps = 0;
  /** Re-checks of the pending waits, run whenever requests or the hurry change. */
  readonly #checks = new Set<() => void>();

  constructor(options: LoadPacerOptions) {
    this.#quietMs = options.quietMs;
    this.#maxWaitMs = options.maxWaitMs;
    this.#now = options.now ?? (() => performance.now());
    this.#restRatio = options.restRatio ?? 2;
    this.#maxRestMs = options.maxRestMs ?? 50;
  }

  /** Requests running now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Steps paced so far (calls of {@link pace}). */
  get steps(): number {
    return this.#steps;
  }

  /** ms spent waiting for quiet moments so far. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** ms rested between steps so far. */
  get restedMs(): number {
    return this.#restedMs;
  }

  requestStarted(): void {
    this.#inFlight += 1;
  }

  requestEnded(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#lastEndMs = this.#now();
    this.#recheck();
  }

  /** Ends every wait, now and later (a shutdown needs the SDK at once); steps still yield. */
  hurry(): void {
    this.#hurried = true;
    this.#endRest();
    this.#recheck();
  }

  /** Resolves once no request has been running for `quietMs` (or the wait budget is spent). */
  whenQuiet(): Promise<void> {
    return this.#wait(this.#quietMs);
  }

  /**
   * Before each step: a rest of `restRatio` times the step before's wall time (at most
   * `maxRestMs`; none once hurried), else one macrotask; then no request running (within the
   * wait budget).
   */
  readonly pace = async (): Promise<void> => {
    this.#steps += 1;
    const restMs = this.#restAfterStep();
    const restStart = this.#now();
    await new Promise<void>((resolve) => {
      if (restMs <= 0) {
        setImmediate(resolve);
        return;
      }
      const timer = setTimeout(() => {
        this.#endRest();
      }, restMs);
      timer.unref();
      this.#endRest = () => {
        clearTimeout(timer);
        this.#endRest = noRest;
        resolve();
      };
    });
    if (restMs > 0) this.#restedMs += this.#now() - restStart;
    await this.#wait(0);
    this.#stepStartMs = this.#now();
  };

  #restAfterStep(): number {
    if (this.#hurried || this.#stepStartMs === undefined) return 0;
    const stepMs = this.#now() - this.#stepStartMs;
    return Math.min(this.#maxRestMs, Math.round(stepMs * this.#restRatio));
  }

  async #wait(quietMs: number): Promise<void> {
    const budget = this.#maxWaitMs - this.#waitedMs;
    if (this.#hurried || budget <= 0 || this.#isQuiet(quietMs)) return;
    const started = this.#now();
    await new Promise<void>((resolve) => {
      let quietTimer: NodeJS.Timeout | undefined;
      const done = (): void => {
        clearTimeout(quietTimer);
        clearTimeout(budgetTimer);
        this.#checks.delete(check);
        resolve();
      };
      const check = (): void => {
        clearTimeout(quietTimer);
        quietTimer = undefined;
        if (this.#hurried || this.#isQuiet(quietMs)) {
          done();
          return;
        }
        // A request is running: its end re-checks. Else the quiet time is not over yet.
        if (this.#inFlight > 0 || this.#lastEndMs === undefined) return;
        quietTimer = setTimeout(check, quietMs - (this.#now() - this.#lastEndMs));
        quietTimer.unref();
      };
      const budgetTimer = setTimeout(done, budget);
      budgetTimer.unref();
      this.#checks.add(check);
      check();
    });
    this.#waitedMs += this.#now() - started;
  }

  #isQuiet(quietMs: number): boolean {
    if (this.#inFlight > 0) return false;
    return quietMs <= 0 || this.#lastEndMs === undefined || this.#now() - this.#lastEndMs >= quietMs;
  }

  #recheck(): void {
    // Every traced request ends here; once the SDK is loaded nothing waits, and nothing is copied.
    if (this.#checks.size === 0) return;
    for (const check of [...this.#checks]) check();
  }
}

function noRest(): void {
  // No rest is under way.
}

/** Waits before one step of the SDK load; see {@link LoadPacer.pace}. */
export type Pace = () => Promise<void>;

/** No pacing: each step runs as soon as the one before it is done. */
export const unpaced: Pace = () => Promise.resolve();
