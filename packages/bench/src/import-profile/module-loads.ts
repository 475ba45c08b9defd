// Which module Node's loader was working on, over time. Node's ES module loader reads, compiles
// and links a static `import` graph outside every package's frames, so a CPU sample taken then
// names no package. A preload in the profiled process records each module load (start and end,
// through a synchronous `module.registerHooks` load hook, Node ≥ 22.15) on the profile's clock;
// a loader sample then goes to the module whose load was the last to start or end before it: its
// file being read (between start and end), then compiled and its imports resolved (after end).

/** One load event: when (µs, the monotonic clock of V8's profile) and the module's file URL. */
export interface ModuleLoadEvent {
  readonly atUs: number;
  readonly url: string;
}

/**
 * The preload's source: records every `file:` module load to `file` when the process exits.
 * Nothing is recorded on a Node without `module.registerHooks`.
 */
export function moduleLoadRecorder(file: string): string {
  return `{
  const { registerHooks } = require('node:module');
  const { writeFileSync } = require('node:fs');
  const events = [];
  const now = () => Number(process.hrtime.bigint() / 1000n);
  if (typeof registerHooks === 'function') {
    registerHooks({
      load(url, context, nextLoad) {
        if (!url.startsWith('file:')) return nextLoad(url, context);
        events.push(now(), url);
        const result = nextLoad(url, context);
        events.push(now(), url);
        return result;
      },
    });
  }
  process.on('exit', () => { try { writeFileSync(${JSON.stringify(file)}, JSON.stringify(events)); } catch {} });
}
`;
}

/** Reads what {@link moduleLoadRecorder} wrote; an absent or unreadable file is no events. */
export function parseModuleLoads(text: string | undefined): ModuleLoadEvent[] {
  if (text === undefined) return [];
  let flat: unknown;
  try {
    flat = JSON.parse(text);
  } catch {
    return [];
  }
  if (!Array.isArray(flat)) return [];
  const events: ModuleLoadEvent[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) {
    const atUs: unknown = flat[i];
    const url: unknown = flat[i + 1];
    if (typeof atUs === 'number' && typeof url === 'string') events.push({ atUs, url });
  }
  return events;
}

/** The module the loader was last busy with at a time, by binary search over sorted events. */
export class ModuleLoadTimeline {
  readonly #events: readonly ModuleLoadEvent[];

  constructor(events: readonly ModuleLoadEvent[]) {
    this.#events = [...events].sort((a, b) => a.atUs - b.atUs);
  }

  /** The URL of the last load event at or before `atUs`, or undefined before the first. */
  moduleAt(atUs: number): string | undefined {
    let low = 0;
    let high = this.#events.length - 1;
    let found: string | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const event = this.#events[mid] as ModuleLoadEvent;
      if (event.atUs <= atUs) {
        found = event.url;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found;
  }
}
