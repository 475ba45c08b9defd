// A full garbage collection on request, for the memory guard only. Under a container limit far
// below V8's heap limit (Node sizes the heap from the cgroup limit but never below ~256 MiB),
// V8 sees no reason to collect, and once the guard refuses new work almost nothing allocates:
// the finished requests' garbage would hold RSS over the line, and the process would keep
// refusing, for as long as V8 waits. Node has no public call for a collection, so `gc` is taken
// from a fresh context with --expose-gc set for that moment only (the flag is turned back off,
// so neither the application's context nor any later one sees a `gc` global).

let collect: (() => void) | undefined;

/**
 * Runs a full (mark-compact) collection now: some milliseconds to a few tens, by heap size.
 *
 * @example
 * ```ts
 * if (guard.shedding) collectGarbage();
 * ```
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    const v8 = process.getBuiltinModule('node:v8');
    const vm = process.getBuiltinModule('node:vm');
    v8.setFlagsFromString('--expose-gc');
    try {
      collect = vm.runInNewContext('gc') as () => void;
    } finally {
      v8.setFlagsFromString('--no-expose-gc');
    }
  }
  collect();
}
