// Knative's breaker (knative/serving pkg/queue/breaker.go): at most `maxConcurrency` requests
// run at once, at most `queueDepth` more wait in line, and anything past that is refused at
// once. The queue-proxy builds one with queueDepth = 10 × containerConcurrency; the activator
// one per revision with a queue of 10 000. containerConcurrency 0 means no limit (no breaker).

/** Thrown by {@link Breaker.maybe} when every slot and queue place is taken. */
export class BreakerQueueFullError extends Error {
  constructor() {
    super('pending request queue full');
    this.name = 'BreakerQueueFullError';
  }
}

/** The breaker's size. */
export interface BreakerParams {
  readonly queueDepth: number;
  readonly maxConcurrency: number;
}

/**
 * A concurrency limit with a bounded FIFO queue.
 *
 * @example
 * ```ts
 * const breaker = new Breaker({ queueDepth: 10, maxConcurrency: 1 });
 * const body = await breaker.maybe(() => forward(request));
 * ```
 */
export class Breaker {
  readonly #totalSlots: number;
  readonly #maxConcurrency: number;
  #pending = 0;
  #running = 0;
  readonly #waiters: (() => void)[] = [];

  constructor(params: BreakerParams) {
    if (!Number.isInteger(params.queueDepth) || params.queueDepth <= 0)
      throw new RangeError(`Breaker queueDepth must be a positive integer; got ${params.queueDepth}.`);
    if (!Number.isInteger(params.maxConcurrency) || params.maxConcurrency <= 0)
      throw new RangeError(
        `Breaker maxConcurrency must be a positive integer; got ${params.maxConcurrency}.`,
      );
    this.#totalSlots = params.queueDepth + params.maxConcurrency;
    this.#maxConcurrency = params.maxConcurrency;
  }

  /** Requests admitted (running or queued). */
  get inFlight(): number {
    return this.#pending;
  }

  /** Requests running now. */
  get running(): number {
    return this.#running;
  }

  /** Runs `thunk` when a slot is free; rejects with BreakerQueueFullError when the queue is full. */
  async maybe<T>(thunk: () => Promise<T>): Promise<T> {
    if (this.#pending >= this.#totalSlots) throw new BreakerQueueFullError();
    this.#pending++;
    try {
      await this.#acquire();
      try {
        return await thunk();
      } finally {
        this.#release();
      }
    } finally {
      this.#pending--;
    }
  }

  #acquire(): Promise<void> {
    if (this.#running < this.#maxConcurrency) {
      this.#running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      this.#waiters.push(() => {
        this.#running++;
        resolve();
      });
    });
  }

  #release(): void {
    this.#running--;
    this.#waiters.shift()?.();
  }
}
