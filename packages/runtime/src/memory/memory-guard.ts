// Load shedding before the kernel's OOM killer: on a timer (never per request) the guard compares
// the process's RSS with the container's memory limit and V8's used heap with its heap limit,
// every 100 ms, and every 10 ms while requests run and memory is within 0.3 of the ratio, where a
// burst of requests can cross the rest of the way between two slow samples (a sample costs a
// few µs of CPU: a read of /proc/self/statm, kept open, and V8's heap statistics).
// When either reaches `memoryShedRatio`, new requests get 503 with Retry-After and readiness
// turns 503 so the platform routes elsewhere, while the requests already running finish; it logs
// once when shedding starts and once when memory has fallen back below the ratio less a margin
// (so one sample either side of the line does not flap). While it refuses work, it asks V8 for a
// full collection at most every 500 ms: with almost nothing allocating, V8 would otherwise leave
// the finished requests' garbage in place and memory would not fall.
// This module is a chunk of its own, loaded when sampling starts (guard-loader.ts). It imports
// nothing of the core at run time: the process-wide figures and the 503 writer come in as
// {@link MemoryGuardEffects}, since a core module imported here too would become one more shared
// chunk that every import of the runtime reads.
import type { ServerResponse } from 'node:http';
import type { HeapInfo } from 'node:v8';
import type { Logger } from '../logger.ts';
import { collectGarbage } from './full-collection.ts';
import { residentSetBytes } from './resident-set.ts';

/** One reading of the process's memory. */
export interface MemorySample {
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
  /** V8's heap limit (`heap_size_limit`, set by `--max-old-space-size` or Node's default). */
  readonly heapLimitBytes: number;
}

/** What the guard changes outside itself: the core's memory figures and its JSON answers. */
export interface MemoryGuardEffects {
  /** Records whether the guard sheds now (`memoryShedding()` of memory-state.ts). */
  readonly setShedding: (shedding: boolean) => void;
  /** Counts one refused request. */
  readonly countShed: () => void;
  /** How many requests were refused so far in this process. */
  readonly shedCount: () => number;
  /** Answers with a JSON body (health.ts). */
  readonly writeJson: (response: ServerResponse, status: number, body: unknown) => void;
}

/** How the guard is set up. */
export interface MemoryGuardOptions {
  /**
   * The container's memory limit, looked up when sampling starts (not on the cold-start path
   * before it); undefined: only the heap is watched.
   */
  readonly limitBytes: () => number | undefined;
  /** Fraction of a limit at which new requests are refused; `0` turns the guard off. */
  readonly ratio: number;
  readonly logger: Logger;
  /** Where shedding is recorded and how a refusal is written (`memoryGuardEffects` in the core). */
  readonly effects: MemoryGuardEffects;
  /** Sampling interval while memory is well below the ratio. @default 100 */
  readonly intervalMs?: number;
  /**
   * Sampling interval while requests run within {@link nearMargin} of the ratio, and while
   * shedding. @default 10
   */
  readonly nearIntervalMs?: number;
  /** Whether requests are running (memory hardly grows while none do). @default always */
  readonly busy?: () => boolean;
  /** A full garbage collection, run while shedding. @default {@link collectGarbage} */
  readonly collect?: () => void;
  /** Least time between two collections while shedding. @default 500 */
  readonly collectEveryMs?: number;
  /** Milliseconds, monotonic. @default performance.now */
  readonly now?: () => number;
  /** @default RSS and heap of this process */
  readonly sample?: () => MemorySample;
}

/** Below `ratio - recoveryMargin` the guard accepts requests again. */
export const recoveryMargin = 0.05;

/** From `ratio - nearMargin` up the guard samples at its near interval. */
export const nearMargin = 0.3;

/** Seconds a refused client is told to wait. */
const retryAfterSeconds = 1;

const mebibytes = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Watches memory and says whether new work must be refused.
 *
 * @example
 * ```ts
 * const guard = new MemoryGuard({ limitBytes: () => 128 * 2 ** 20, ratio: 0.9, logger, effects: memoryGuardEffects });
 * guard.start();
 * if (guard.shedding) guard.refuse(response);
 * ```
 */
export class MemoryGuard {
  readonly #resolveLimit: () => number | undefined;
  #limitBytes: number | undefined;
  readonly #ratio: number;
  readonly #logger: Logger;
  readonly #effects: MemoryGuardEffects;
  readonly #intervalMs: number;
  readonly #nearIntervalMs: number;
  readonly #busy: () => boolean;
  readonly #collect: () => void;
  readonly #collectEveryMs: number;
  readonly #now: () => number;
  #collectedAt = Number.NEGATIVE_INFINITY;
  readonly #sample: () => MemorySample;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #shedding = false;
  #reason = '';
  #shedAtStart = 0;

  constructor(options: MemoryGuardOptions) {
    this.#resolveLimit = options.limitBytes;
    this.#ratio = options.ratio;
    this.#logger = options.logger;
    this.#effects = options.effects;
    this.#intervalMs = options.intervalMs ?? 100;
    this.#nearIntervalMs = options.nearIntervalMs ?? 10;
    this.#busy = options.busy ?? (() => true);
    this.#collect = options.collect ?? collectGarbage;
    this.#collectEveryMs = options.collectEveryMs ?? 500;
    this.#now = options.now ?? (() => performance.now());
    this.#sample = options.sample ?? sampleProcessMemory;
  }

  /** True while memory is near a limit: new requests are refused, readiness is 503. */
  get shedding(): boolean {
    return this.#shedding;
  }

  /** Why requests are refused (for the 503 body and readiness); empty when they are not. */
  get reason(): string {
    return this.#reason;
  }

  /** Starts sampling; a guard with ratio 0 never samples. */
  start(): void {
    if (this.#ratio === 0 || this.#running) return;
    this.#running = true;
    this.#limitBytes = this.#resolveLimit();
    this.#tick();
  }

  /** Stops sampling and accepts requests again. */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#setShedding(false);
  }

  #tick(): void {
    const share = this.check();
    if (!this.#running) return;
    const near = this.#shedding || (share >= this.#ratio - nearMargin && this.#busy());
    this.#timer = setTimeout(
      () => {
        this.#tick();
      },
      near ? this.#nearIntervalMs : this.#intervalMs,
    );
    this.#timer.unref();
  }

  /**
   * Takes one sample and updates the state (the timer calls it; tests may too); returns the
   * larger of the two shares (RSS of the limit, used heap of the heap limit).
   */
  check(): number {
    if (this.#shedding && this.#now() - this.#collectedAt >= this.#collectEveryMs) {
      this.#collectedAt = this.#now();
      this.#collect();
    }
    const sample = this.#sample();
    const rssShare = this.#limitBytes === undefined ? 0 : sample.rssBytes / this.#limitBytes;
    const heapShare = sample.heapLimitBytes > 0 ? sample.heapUsedBytes / sample.heapLimitBytes : 0;
    const share = Math.max(rssShare, heapShare);
    if (!this.#shedding && share >= this.#ratio) {
      this.#reason =
        rssShare >= heapShare && this.#limitBytes !== undefined
          ? `Memory is near the container's limit (RSS ${mebibytes(sample.rssBytes)} of ${mebibytes(this.#limitBytes)}, memoryShedRatio ${this.#ratio}): new requests are refused until it falls.`
          : `The JavaScript heap is near its limit (${mebibytes(sample.heapUsedBytes)} of ${mebibytes(sample.heapLimitBytes)}, memoryShedRatio ${this.#ratio}): new requests are refused until it falls.`;
      this.#shedAtStart = this.#effects.shedCount();
      this.#setShedding(true);
      this.#logger.warn(`${this.#reason} Requests already running continue.`, {
        rssBytes: sample.rssBytes,
        heapUsedBytes: sample.heapUsedBytes,
        heapLimitBytes: sample.heapLimitBytes,
        ...(this.#limitBytes === undefined ? {} : { memoryLimitBytes: this.#limitBytes }),
      });
    } else if (this.#shedding && share < this.#ratio - recoveryMargin) {
      const refused = this.#effects.shedCount() - this.#shedAtStart;
      this.#setShedding(false);
      this.#logger.info(
        `Memory fell below the shedding threshold (RSS ${mebibytes(sample.rssBytes)}, heap ${mebibytes(sample.heapUsedBytes)}): accepting requests again; ${refused} were refused.`,
        { rssBytes: sample.rssBytes, heapUsedBytes: sample.heapUsedBytes, refused },
      );
    }
    return share;
  }

  /** Answers a new request 503 with Retry-After and counts it. */
  refuse(response: ServerResponse): void {
    this.#effects.countShed();
    response.setHeader('retry-after', String(retryAfterSeconds));
    this.#effects.writeJson(response, 503, { error: 'THAW_MEMORY_PRESSURE', message: this.#reason });
  }

  #setShedding(shedding: boolean): void {
    this.#shedding = shedding;
    if (!shedding) this.#reason = '';
    this.#effects.setShedding(shedding);
  }
}

/**
 * RSS from the kernel (/proc/self/statm, kept open), heap use and limit from V8: cheaper than
 * `process.memoryUsage()`, whose open and read of /proc/self/stat is most of its cost.
 */
export function sampleProcessMemory(): MemorySample {
  return {
    rssBytes: residentSetBytes(),
    heapUsedBytes: heapStatistics().used_heap_size,
    heapLimitBytes: heapLimitBytes(),
  };
}

let heapLimit: number | undefined;

// Fixed for the life of the process, so read once (node:v8 loaded only when a guard samples).
function heapLimitBytes(): number {
  heapLimit ??= heapStatistics().heap_size_limit;
  return heapLimit;
}

let readHeapStatistics: (() => HeapInfo) | undefined;

function heapStatistics(): HeapInfo {
  readHeapStatistics ??= process.getBuiltinModule('node:v8').getHeapStatistics;
  return readHeapStatistics();
}
