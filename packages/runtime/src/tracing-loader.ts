// Decides whether tracing is wanted and, only then, loads the tracing module with import(): the
// core never imports src/tracing/ statically, so a function without tracing never loads
// OpenTelemetry. The specifier is a literal so that a bundler (the package build, thaw slim)
// sees the tracing module and the instrumentations it loads, keeps them lazy chunks, and keeps
// the packages those instrumentations patch reachable by `require`; a specifier built at run
// time left a bundled function unable to trace at all.
import { ThawError } from './errors.ts';
import type { installTracing } from './tracing/install.ts';
import { openTelemetryApiKey } from './process-keys.ts';

type InstallTracing = typeof installTracing;

/**
 * True when tracing is asked for: the `tracing` option, else `THAW_OTEL=1`, any
 * `OTEL_EXPORTER_OTLP_*` variable, or an OpenTelemetry API already registered in the process
 * (checked on its global, without importing the API).
 */
export function tracingWanted(option: boolean | undefined, env: NodeJS.ProcessEnv): boolean {
  if (option !== undefined) return option;
  if (env.THAW_OTEL === '1') return true;
  if (Object.keys(env).some((name) => name.startsWith('OTEL_EXPORTER_OTLP_') && env[name] !== ''))
    return true;
  return (globalThis as Record<symbol, unknown>)[openTelemetryApiKey] !== undefined;
}

/** Loads `./tracing/install` and installs tracing; a missing module is a clear error. */
export async function installTracingModule(options: {
  /** `undefined`: the package name, looked up when telemetry loads. */
  serviceName: string | undefined;
  serviceVersion?: string;
  env: NodeJS.ProcessEnv;
}): Promise<void> {
  let tracing: { installTracing: InstallTracing };
  try {
    tracing = await import('./tracing/install.ts');
  } catch (error) {
    throw new ThawError(
      'THAW_TELEMETRY_FAILED',
      `Tracing was requested (tracing option, THAW_OTEL or OTEL_EXPORTER_OTLP_*), but the tracing module of @thaw/runtime could not be loaded. Reinstall @thaw/runtime, or set tracing: false.`,
      { cause: error },
    );
  }
  tracing.installTracing(options);
}
