// What is remembered of invocations before a tracer exists. The buffer is bounded: a function
// that takes traffic long before the SDK loads (it never should) keeps its first invocations and
// counts the rest.
import type { InvocationInfo, InvocationOutcome } from '../lifecycle.ts';
import type { InvocationIdentity } from './invocation-identity.ts';

/** One finished invocation, in ms since process start. */
export interface InvocationRecord {
  readonly info: InvocationInfo;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: InvocationOutcome;
  /** The ids its span must have: what the invocation sent on named them as parent. */
  readonly identity?: InvocationIdentity;
}

/**
 * A fixed-capacity list of finished invocations waiting to be replayed as spans.
 *
 * @example
 * ```ts
 * const buffer = new InvocationBuffer(64);
 * buffer.add({ info, startMs, endMs, outcome: { status: 200 } });
 * for (const record of buffer.drain()) replay(record);
 * ```
 */
export class InvocationBuffer {
  readonly capacity: number;
  #records: InvocationRecord[] = [];
  #dropped = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Keeps the record, or counts it as dropped when full. Returns whether it was kept. */
  add(record: InvocationRecord): boolean {
    if (this.#records.length >= this.capacity) {
      this.#dropped += 1;
      return false;
    }
    this.#records.push(record);
    return true;
  }

  get size(): number {
    return this.#records.length;
  }

  /** How many invocations did not fit. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Returns every kept record, in order, and empties the buffer (the drop count stays). */
  drain(): InvocationRecord[] {
    const records = this.#records;
    this.#records = [];
    return records;
  }
}
