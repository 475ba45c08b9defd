// Requests that arrive before the function is ready (a platform probing by TCP, a client that
// races the probe) wait here instead of running a handler whose critical initializers are not
// done. Each waits at most `readyWaitTimeoutMs`, then gets 503 with Retry-After; a shutdown
// answers every waiting one the same way at once. When the gate opens, the held requests resume
// a few per event-loop turn, so that probes and new arrivals are not stuck behind the burst.
import type { ServerResponse } from 'node:http';
import { writeJson } from './health.ts';

/** Held requests resumed per event-loop turn when the gate opens. */
const resumedPerTurn = 8;

/** Seconds a client is told to wait before retrying a 503 of the gate. */
export const retryAfterSeconds = 1;

interface Held {
  readonly response: ServerResponse;
  readonly resume: () => void;
  readonly timer: NodeJS.Timeout;
  readonly onClose: () => void;
}

/**
 * The gate in front of the handler while the process is starting.
 *
 * @example
 * ```ts
 * const gate = new ReadyGate(10_000);
 * if (!gate.isOpen) gate.hold(response, () => invoke(request, response));
 * gate.open(); // once ready
 * ```
 */
export class ReadyGate {
  readonly #timeoutMs: number;
  readonly #held = new Set<Held>();
  #open = false;
  #closedMessage: string | undefined;

  constructor(timeoutMs: number) {
    this.#timeoutMs = timeoutMs;
  }

  /** True once the process is ready; requests then go straight to the handler. */
  get isOpen(): boolean {
    return this.#open;
  }

  /** Requests waiting for readiness now. */
  get waitingCount(): number {
    return this.#held.size;
  }

  /** Holds a request until {@link open}, the timeout, or {@link refuseAll}. */
  hold(response: ServerResponse, resume: () => void): void {
    if (this.#closedMessage !== undefined) {
      answerNotReady(response, this.#closedMessage);
      return;
    }
    const timer = setTimeout(() => {
      this.#release(held);
      answerNotReady(
        response,
        `The function did not become ready within readyWaitTimeoutMs (${this.#timeoutMs} ms); its critical initializers are not done. Retry later; /readyz says what it waits for.`,
      );
    }, this.#timeoutMs);
    const onClose = (): void => {
      // The client gave up: nothing to answer, nothing to run.
      this.#release(held);
    };
    const held: Held = { response, resume, timer, onClose };
    response.once('close', onClose);
    this.#held.add(held);
  }

  /** Lets every held request through, a few per turn, and every later one at once. */
  open(): void {
    if (this.#open) return;
    this.#open = true;
    const queue = [...this.#held];
    for (const held of queue) clearTimeout(held.timer);
    const resumeSome = (): void => {
      for (const held of queue.splice(0, resumedPerTurn)) {
        if (!this.#held.has(held)) continue;
        this.#release(held);
        held.resume();
      }
      if (queue.length > 0) setImmediate(resumeSome);
    };
    resumeSome();
  }

  /** Answers every held request, and every later one, 503 (the process is shutting down). */
  refuseAll(message: string): void {
    this.#closedMessage = message;
    for (const held of [...this.#held]) {
      this.#release(held);
      answerNotReady(held.response, message);
    }
  }

  #release(held: Held): void {
    clearTimeout(held.timer);
    held.response.off('close', held.onClose);
    this.#held.delete(held);
  }
}

function answerNotReady(response: ServerResponse, message: string): void {
  if (response.headersSent || response.destroyed) return;
  response.setHeader('retry-after', String(retryAfterSeconds));
  writeJson(response, 503, { error: 'THAW_NOT_READY', message });
}
