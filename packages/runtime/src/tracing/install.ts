// The entry point the core loads (with import()) when tracing is wanted. It only wires hooks:
// no OpenTelemetry package is loaded here; that happens at a quiet moment after the first
// response.
import {
  claimTracing,
  liveStats,
  onFlush,
  releaseTracing,
  whenReady,
  wrapInvocations,
} from '../lifecycle.ts';
import { sinceStart } from '../startup/marks.ts';
import { DeferredTracing } from './deferred-tracing.ts';
import { hasRegisteredTracerProvider, thawCollectorEndpoint, thawTelemetry, userTelemetry } from './otel.ts';
import { entryPackageName, thawResourceAttributes } from './resource.ts';
import { resolveTracingOptions, type TracingOptions } from './tracing-options.ts';
import { provideTraceContext } from '../trace-context.ts';

/** What the core passes to {@link installTracing}, plus the optional {@link TracingOptions}. */
export interface InstallTracingOptions extends TracingOptions {
  /** Service name when `K_SERVICE` is not set; `undefined`: the entry's package name. */
  readonly serviceName: string | undefined;
  /** Used when `K_REVISION` is not set (the package version, usually). */
  readonly serviceVersion?: string | undefined;
  /**
   * Environment to read `K_*`, `THAW_OTEL_*` and `OTEL_*` configuration from; pass
   * `process.env`, which is also where the OpenTelemetry exporter reads its own `OTEL_*` settings.
   */
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Installs startup tracing: an invocation wrapper (SERVER span per invocation, buffered until a
 * tracer exists), an after-ready step that obtains the tracer once the first response is done
 * (the application's registered provider, or thaw's own SDK: the light path with the OTLP/HTTP
 * exporter, or `@opentelemetry/sdk-node` when an `OTEL_*` variable asks for it) and replays the
 * startup as a backdated `cold start` trace, and a bounded flusher for shutdown. Synchronous and cheap; a second call in the same process does nothing. Throws a
 * `ConfigError` when a `THAW_OTEL_*` variable or an option is malformed.
 *
 * @example
 * ```ts
 * const { installTracing } = await import('./tracing/install.ts');
 * installTracing({ serviceName: 'orders', env: process.env });
 * ```
 */
export function installTracing(options: InstallTracingOptions): void {
  if (!claimTracing()) return;
  let resolved: ReturnType<typeof resolveTracingOptions>;
  try {
    resolved = resolveTracingOptions(options, options.env);
  } catch (error) {
    releaseTracing();
    throw error;
  }
  // Built when thaw's own SDK loads, after the first response: the package name lookup reads a
  // file, which does not belong on the cold-start path.
  const resourceAttributes = (): Record<string, string | number> =>
    thawResourceAttributes({
      serviceName:
        options.serviceName ?? entryPackageName(options.env, process.argv[1]) ?? 'unknown_service:node',
      serviceVersion: options.serviceVersion,
      env: options.env,
    });
  const tracing = new DeferredTracing({
    options: resolved,
    now: sinceStart,
    stats: liveStats(),
    loadTelemetry: (userProvider, pace) =>
      userProvider
        ? userTelemetry(options.serviceVersion)
        : thawTelemetry(
            {
              env: options.env,
              resourceAttributes: resourceAttributes(),
              serviceVersion: options.serviceVersion,
              instrumentations: resolved.instrumentations,
              onError: resolved.onError,
            },
            pace,
          ),
    collectorEndpoint: () => (hasRegisteredTracerProvider() ? undefined : thawCollectorEndpoint(options.env)),
  });
  // Outermost: every other wrapper runs inside the invocation's span.
  wrapInvocations(tracing.wrap, { outermost: true });
  onFlush('tracing', () => tracing.flush());
  whenReady('tracing', () => tracing.onReady());
  // publish() and CloudEvents replies carry the invocation's trace on.
  provideTraceContext(tracing.traceHeaders);
}
