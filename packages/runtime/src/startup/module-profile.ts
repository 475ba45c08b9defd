// The sampling profile behind the cold start's module-load spans. With THAW_OTEL_MODULE_SPANS=1
// the first import of the runtime (or an earlier `--import @thaw/runtime/module-spans`) starts
// V8's CPU profiler through node:inspector, synchronously, so that every module evaluated after
// that point is sampled; tracing stops it once the cold start is replayed and charges the
// samples to packages then, off the path to the first response. With the variable unset this
// file reads one environment variable and does nothing else: no inspector, no hook.
import { performance } from 'node:perf_hooks';
import { moduleProfileKey } from '../process-keys.ts';

/** The environment variable that turns module-load spans on. */
export const moduleSpansVariable = 'THAW_OTEL_MODULE_SPANS';

/** Sampling interval of the profiler, µs: a package loading in 5 ms gets about 10 samples. */
export const moduleProfileIntervalUs = 500;

/**
 * The profiler stops by itself this long after it started, so a process whose cold start is
 * never replayed (tracing off, no request ever) does not keep sampling into memory.
 */
export const moduleProfileMaxMs = 30_000;

/** The parts of a V8 CPU profile (`Profiler.stop`) that attribution reads. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{
    readonly id: number;
    readonly callFrame: {
      readonly functionName: string;
      readonly url: string;
      readonly lineNumber: number;
      readonly columnNumber: number;
    };
    readonly children?: readonly number[];
  }>;
  /** µs on the monotonic clock. */
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** A stopped profile and how to read its clock. */
export interface TakenProfile {
  readonly profile: CpuProfile;
  /** Add to a profile timestamp (µs) to get ms since process start: `us / 1000 + offsetMs`. */
  readonly offsetMs: number;
  readonly intervalUs: number;
}

interface InspectorSession {
  connect(): void;
  disconnect(): void;
  post(method: string, params?: object, callback?: (error: Error | null, result?: unknown) => void): void;
}

interface ProfileState {
  session: InspectorSession | undefined;
  taken: TakenProfile | undefined;
  readonly timer: NodeJS.Timeout;
}

function holder(): { [moduleProfileKey]?: ProfileState | undefined } {
  return globalThis as { [moduleProfileKey]?: ProfileState | undefined };
}

/**
 * Starts the module profile when `env.THAW_OTEL_MODULE_SPANS` is `1` (or `force`), once per
 * process. Returns whether a profile is running. Never throws: without an inspector in this
 * Node build there are simply no module spans.
 *
 * @example
 * ```ts
 * startModuleProfile(process.env); // first thing, before the function's modules load
 * ```
 */
export function startModuleProfile(env: NodeJS.ProcessEnv, force = false): boolean {
  if (!force && env[moduleSpansVariable] !== '1') return false;
  const global = holder();
  if (global[moduleProfileKey] !== undefined) return global[moduleProfileKey].session !== undefined;
  try {
    const inspector = process.getBuiltinModule('node:inspector') as
      { Session: new () => InspectorSession } | undefined;
    if (inspector === undefined) return false;
    const session = new inspector.Session();
    session.connect();
    // A same-thread session answers synchronously: sampling has begun when this returns.
    session.post('Profiler.enable');
    session.post('Profiler.setSamplingInterval', { interval: moduleProfileIntervalUs });
    session.post('Profiler.start');
    const timer = setTimeout(() => {
      stopModuleProfile();
    }, moduleProfileMaxMs);
    timer.unref();
    global[moduleProfileKey] = { session, taken: undefined, timer };
    return true;
  } catch {
    return false;
  }
}

function stopModuleProfile(): void {
  const state = holder()[moduleProfileKey];
  const session = state?.session;
  if (state === undefined || session === undefined) return;
  state.session = undefined;
  clearTimeout(state.timer);
  try {
    session.post('Profiler.stop', {}, (error, result) => {
      const profile = (result as { profile?: CpuProfile } | undefined)?.profile;
      if (error !== null || profile === undefined) return;
      // Both clocks read the same monotonic source; the profile's is in µs from an arbitrary origin.
      const offsetMs = performance.now() - Number(process.hrtime.bigint()) / 1e6;
      state.taken = { profile, offsetMs, intervalUs: moduleProfileIntervalUs };
    });
    session.disconnect();
  } catch {
    // The profile is lost; the cold start trace goes out without module spans.
  }
}

/**
 * Stops the module profile (if it still runs) and hands it over, once: later calls, and calls
 * in a process that never profiled, return undefined.
 *
 * @example
 * ```ts
 * const taken = takeModuleProfile();
 * if (taken !== undefined) console.log(taken.profile.samples.length);
 * ```
 */
export function takeModuleProfile(): TakenProfile | undefined {
  const state = holder()[moduleProfileKey];
  if (state === undefined) return undefined;
  stopModuleProfile();
  const { taken } = state;
  state.taken = undefined;
  return taken;
}

/** Whether this process runs (or ran) a module profile. */
export function moduleProfileStarted(): boolean {
  return holder()[moduleProfileKey] !== undefined;
}
