// The OpenTelemetry instrumentations thaw's own SDK starts with, loaded late, and the patching
// of the modules the function loaded before them. thaw starts the SDK after the first response,
// so by then `pg` and `ioredis` are usually loaded already (pools are created by critical
// initializers). An instrumentation patches through a `require` hook, which only sees later
// `require` calls. CommonJS packages imported with `import()` still sit in the CommonJS module
// cache, so requiring each of them once more after the instrumentation is enabled runs the hook
// on the cached exports: the instrumentation patches the shared prototypes (pg's
// `Client.prototype.query`, pg-pool's `Pool.prototype.connect`, ioredis'
// `Redis.prototype.sendCommand`), which covers pools and clients created before. Going through
// the hook, rather than calling the module definitions' `patch` ourselves, keeps the
// instrumentation's own version checks and bookkeeping (unpatching, no double wrapping).
import { createRequire, isBuiltin } from 'node:module';
import { PeerMissingError, ThawError } from '../errors.ts';
import { unpaced, type Pace } from './load-pacer.ts';

/** The instrumentations thaw can start with its own SDK. */
export type TracingInstrumentation = 'pg' | 'ioredis' | 'http';

/** Every value allowed in `instrumentations` / `THAW_OTEL_INSTRUMENTATIONS`. */
export const tracingInstrumentations: readonly TracingInstrumentation[] = ['pg', 'ioredis', 'http'];

/** The package of each instrumentation and the modules whose spans it produces. */
export const instrumentationPackages: Readonly<
  Record<TracingInstrumentation, { readonly packageName: string; readonly modules: readonly string[] }>
> = {
  pg: { packageName: '@opentelemetry/instrumentation-pg', modules: ['pg', 'pg-pool'] },
  ioredis: { packageName: '@opentelemetry/instrumentation-ioredis', modules: ['ioredis'] },
  http: { packageName: '@opentelemetry/instrumentation-http', modules: ['http', 'https'] },
};

// Literal specifiers, so that a bundler sees each one and keeps it a lazy chunk of its own.
const importers: Readonly<Record<TracingInstrumentation, () => Promise<Instrumentation>>> = {
  pg: async () => {
    const { PgInstrumentation } = await import('@opentelemetry/instrumentation-pg');
    return new PgInstrumentation({ requireParentSpan: true });
  },
  ioredis: async () => {
    const { IORedisInstrumentation } = await import('@opentelemetry/instrumentation-ioredis');
    return new IORedisInstrumentation({ requireParentSpan: true });
  },
  http: async () => {
    const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
    // Incoming requests already have thaw's SERVER span; only outgoing calls get spans here.
    return new HttpInstrumentation({ ignoreIncomingRequestHook: () => true });
  },
};

/**
 * An OpenTelemetry instrumentation object, as handed to `NodeSDK`. Kept opaque: each
 * instrumentation package may bring its own copy of `@opentelemetry/instrumentation`.
 */
export type Instrumentation = object;

/** The instrumentations that loaded, and those left out with the reason. */
export interface LoadedInstrumentations {
  readonly instrumentations: Instrumentation[];
  readonly problems: ThawError[];
}

/**
 * Loads the named instrumentation packages, one at a time, calling `pace` before each. A package
 * that is not installed is skipped; it is reported only when the module it instruments is loaded
 * in this process (then its spans are really missing), so the default list costs nothing to a
 * function that uses neither.
 *
 * @example
 * ```ts
 * const { instrumentations, problems } = await loadInstrumentations(['pg', 'ioredis']);
 * ```
 */
export async function loadInstrumentations(
  names: readonly TracingInstrumentation[],
  require: NodeJS.Require = createRequire(import.meta.url),
  pace: Pace = unpaced,
): Promise<LoadedInstrumentations> {
  const problems: ThawError[] = [];
  const instrumentations: Instrumentation[] = [];
  for (const name of names) {
    await pace();
    try {
      instrumentations.push(await importers[name]());
    } catch (error) {
      const { packageName, modules } = instrumentationPackages[name];
      if (!isModuleNotFound(error)) {
        problems.push(
          new ThawError(
            'THAW_TELEMETRY_FAILED',
            `Loading ${packageName} failed; ${name} calls are not traced in this process.`,
            { cause: error },
          ),
        );
      } else if (modules.some((module) => loadedModuleFile(require, module) !== undefined)) {
        problems.push(
          new PeerMissingError(packageName, `Tracing ${name} calls (THAW_OTEL_INSTRUMENTATIONS)`, {
            cause: error,
          }),
        );
      }
    }
  }
  return { instrumentations, problems };
}

/**
 * Runs the `require` hooks of enabled instrumentations on modules loaded before them: each
 * module the instrumentations patch that is already in the CommonJS module cache is required
 * once more, from where this package (or, in a bundle, the bundle) resolves it, and a module's
 * own dependencies (`pg-pool` of `pg`) from where that module lives. Modules not loaded yet are
 * left alone: loading them is the application's business, and the hooks see them when it does.
 * Returns the names of the modules it handed to the hooks.
 *
 * @example
 * ```ts
 * sdk.start(); // with the instrumentations enabled
 * patchLoadedModules(instrumentations); // ['pg', 'pg-pool', 'ioredis']
 * ```
 */
export function patchLoadedModules(
  instrumentations: readonly Instrumentation[],
  require: NodeJS.Require = createRequire(import.meta.url),
): string[] {
  const patched: string[] = [];
  for (const name of patchSteps(instrumentations, require)) patched.push(name);
  return patched;
}

/**
 * {@link patchLoadedModules} one module at a time, calling `pace` before each: patching a module
 * runs its instrumentation's wrapping of every method it traces, a few ms for `pg` on a small
 * CPU share.
 *
 * @example
 * ```ts
 * await patchLoadedModulesPaced(instrumentations, pacer.pace); // ['pg', 'pg-pool', 'ioredis']
 * ```
 */
export async function patchLoadedModulesPaced(
  instrumentations: readonly Instrumentation[],
  pace: Pace,
  require: NodeJS.Require = createRequire(import.meta.url),
): Promise<string[]> {
  const patched: string[] = [];
  const steps = patchSteps(instrumentations, require);
  for (;;) {
    await pace();
    const step = steps.next();
    if (step.done === true) return patched;
    patched.push(step.value);
  }
}

// Hands one module to the hooks per iteration and yields its name.
function* patchSteps(
  instrumentations: readonly Instrumentation[],
  require: NodeJS.Require,
): Generator<string> {
  const requirers: NodeJS.Require[] = [require];
  for (const instrumentation of instrumentations) {
    for (const definition of moduleDefinitions(instrumentation)) {
      const name = definition.name;
      if (isBuiltin(name)) {
        // Built-ins are always loaded; requiring one runs the hook on it.
        require(name);
        yield name;
        continue;
      }
      for (const from of requirers) {
        const file = loadedModuleFile(from, name);
        if (file === undefined) continue;
        from(name);
        requirers.push(createRequire(file));
        yield name;
        break;
      }
    }
  }
}

function moduleDefinitions(instrumentation: Instrumentation): ReadonlyArray<{ readonly name: string }> {
  const withDefinitions = instrumentation as { getModuleDefinitions?: () => Array<{ name: string }> };
  return typeof withDefinitions.getModuleDefinitions === 'function'
    ? withDefinitions.getModuleDefinitions()
    : [];
}

/** The file `name` resolves to from `require`, when that file is already loaded. */
function loadedModuleFile(require: NodeJS.Require, name: string): string | undefined {
  let file: string;
  try {
    file = require.resolve(name);
  } catch {
    return undefined;
  }
  return require.cache[file] === undefined ? undefined : file;
}

function isModuleNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}
