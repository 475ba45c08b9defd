// The public face of the startup timeline: a function marks its own phases (loading a model,
// reading config) and they appear in the startup report and the startup trace beside thaw's.
import { recordMark, sinceStart } from './marks.ts';

/**
 * Records the startup phases of your own code.
 *
 * @example
 * ```ts
 * startup.mark('config read');
 * const model = await startup.measure('load model', () => loadModel());
 * ```
 */
export const startup = {
  /** Records a point in time, in ms since process start. */
  mark(name: string, attributes?: Readonly<Record<string, string | number | boolean>>): void {
    const at = sinceStart();
    recordMark(name, at, at, attributes);
  },
  /** Runs `fn` and records it as a span, whether it resolves or throws. */
  async measure<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const start = sinceStart();
    let outcome = 'ok';
    try {
      return await fn();
    } catch (error) {
      outcome = 'error';
      throw error;
    } finally {
      recordMark(name, start, sinceStart(), { outcome });
    }
  },
} as const;
