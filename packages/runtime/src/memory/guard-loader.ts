// The memory guard as a server holds it. The guard itself (memory-guard.ts) is a chunk loaded
// with import() when sampling starts, once the port is bound, and never when memoryShedRatio is
// 0: importing the runtime does not compile it. Until it is loaded nothing is refused; the
// guard's first sample is taken as soon as it is.
import { writeJson } from '../health.ts';
import { describeError } from '../logger.ts';
import type { MemoryGuard, MemoryGuardEffects, MemoryGuardOptions } from './memory-guard.ts';
import { countMemoryShed, memoryShedCount, setMemoryShedding } from './memory-state.ts';

/**
 * What a guard records in the process and how it answers: the core's memory figures (read by
 * `/metrics`) and its JSON writer.
 *
 * @example
 * ```ts
 * const guard = new MemoryGuard({ limitBytes: () => undefined, ratio: 0.9, logger, effects: memoryGuardEffects });
 * ```
 */
export const memoryGuardEffects: MemoryGuardEffects = {
  setShedding: setMemoryShedding,
  countShed: countMemoryShed,
  shedCount: memoryShedCount,
  writeJson,
};

/** What the request path reads: the guard while it is loaded. */
export interface MemoryGuardView {
  /** The loaded guard; undefined before it loaded, or when it is off. */
  readonly current: MemoryGuard | undefined;
}

/**
 * A memory guard that loads its code on {@link start}.
 *
 * @example
 * ```ts
 * const memory = new LazyMemoryGuard({ limitBytes: () => undefined, ratio: 0.9, logger });
 * memory.start();
 * if (memory.current?.shedding === true) memory.current.refuse(response);
 * ```
 */
export class LazyMemoryGuard implements MemoryGuardView {
  readonly #options: Omit<MemoryGuardOptions, 'effects'>;
  #guard: MemoryGuard | undefined;
  #started = false;
  #stopped = false;

  constructor(options: Omit<MemoryGuardOptions, 'effects'>) {
    this.#options = options;
  }

  get current(): MemoryGuard | undefined {
    return this.#guard;
  }

  /** Loads the guard and starts sampling; a guard with ratio 0 is never loaded. */
  start(): void {
    if (this.#options.ratio === 0 || this.#started) return;
    this.#started = true;
    void import('./memory-guard.ts').then(
      ({ MemoryGuard: Guard }) => {
        if (this.#stopped) return;
        this.#guard = new Guard({ ...this.#options, effects: memoryGuardEffects });
        this.#guard.start();
      },
      (error: unknown) => {
        this.#options.logger.error(
          `The memory guard could not be loaded; memory is not watched: ${describeError(error)}`,
        );
      },
    );
  }

  /** Stops sampling (also before the guard loaded) and accepts requests again. */
  stop(): void {
    this.#stopped = true;
    this.#guard?.stop();
  }
}
