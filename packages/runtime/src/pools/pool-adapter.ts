// The one shape every pool adapter has (pg, ioredis standalone, ioredis cluster, generic): the
// client library's object, one round trip, a warm-up to `min`, live gauges and a bounded close.
// ManagedPool (managed-pool.ts) drives the life of a pool through it and knows no library.
import { redactSecrets } from '../errors.ts';

/**
 * Live counts of one pool.
 *
 * @example
 * ```ts
 * const gauges: PoolGauges = { size: 2, idle: 1, borrowed: 1, waiting: 0, max: 10, min: 1 };
 * ```
 */
export interface PoolGauges {
  /** Connections (or resources) open or opening. */
  readonly size: number;
  readonly idle: number;
  readonly borrowed: number;
  /** Borrows (or commands) waiting for a connection. */
  readonly waiting: number;
  readonly max: number;
  readonly min: number;
}

/** What closing the library's pool found. */
export interface AdapterCloseOutcome {
  /** Resources still borrowed when the drain ran out of time; they were destroyed. */
  readonly leaked: number;
  /** What `leaked` counts, in words ("connections still borrowed"). */
  readonly leakedWhat: string;
}

/** The part of a pool that knows its client library. */
export interface PoolAdapter<T> {
  readonly resource: T;
  /** Human words for the round trip, for error messages ("SELECT 1"). */
  readonly checkName: string;
  /** One round trip to the server. */
  verify(): Promise<void>;
  /** Open connections up to `min`. */
  warm(): Promise<void>;
  gauges(): PoolGauges;
  /** Drain within `drainTimeoutMs`, then destroy what is still borrowed and say how much. */
  close(drainTimeoutMs: number): Promise<AdapterCloseOutcome>;
}

/** `leaked` with the right noun for it: `counted('connection', 'still borrowed', 2)`. */
export function closeOutcome(leaked: number, noun: string, still: string): AdapterCloseOutcome {
  return { leaked, leakedWhat: `${noun}${leaked === 1 ? '' : 's'} ${still}` };
}

/** A redacted one-line reason for a log line. */
export function reason(error: unknown): string {
  return redactSecrets(error instanceof Error ? error.message : String(error));
}

/** 50 ms, doubling, capped: quick to notice a server that is back, gentle on one that is not. */
export function backoffMs(times: number, capMs: number): number {
  return Math.min(50 * 2 ** Math.min(times - 1, 16), capMs);
}
