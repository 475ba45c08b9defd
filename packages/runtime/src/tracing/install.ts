// The entry point the core loads (with import()) when tracing is wanted. It only wires hooks:
// no OpenTelemetry package is loaded here; that happens after the first response.
import { lifecycle } from '../lifecycle.ts';
import { sinceStart } from '../startup/marks.ts';
import { DeferredTracing } from './deferred-tracing.ts';
import { isCountingWrapper } from '../metrics/metrics.ts';
import { thawTelemetry, userTelemetry } from './otel.ts';
import { thawResourceAttributes } from './resource.ts';
import { resolveTracingOptions, type TracingOptions } from './tracing-options.ts';

/** What the core passes to {@link installTracing}, plus the optional {@link TracingOptions}. */
export interface InstallTracingOptions extends TracingOptions {
  /** Service name when `K_SERVICE` is not set (the package name, usually). */
  readonly serviceName: string;
  /** Used when `K_REVISION` is not set (the package version, usually). */
  readonly serviceVersion?: string | undefined;
  /**
   * Environment to read `K_*`, `THAW_OTEL_*` and `OTEL_*` configuration from; pass
   * `process.env`, which is also where `@opentelemetry/sdk-node` reads its own `OTEL_*` settings.
   */
  readonly env: NodeJS.ProcessEnv;
}

const key: unique symbol = Symbol.for('thaw.runtime.tracing');

/**
 * Installs startup tracing: an invocation wrapper (SERVER span per invocation, buffered until a
 * tracer exists), an after-ready step that obtains the tracer once the first response is done
 * (the application's registered provider, or `@opentelemetry/sdk-node` with the OTLP/HTTP
 * exporter) and replays the startup as a backdated `cold start` trace, and a bounded flusher
 * for shutdown. Synchronous and cheap; a second call in the same process does nothing. Throws a
 * `ConfigError` when a `THAW_OTEL_*` variable or an option is malformed.
 *
 * @example
 * ```ts
 * const { installTracing } = await import('./tracing/install.ts');
 * installTracing({ serviceName: 'orders', env: process.env });
 * ```
 */
export function installTracing(options: InstallTracingOptions): void {
  const holder = globalThis as { [key]?: DeferredTracing | undefined };
  if (holder[key] !== undefined) return;
  const resolved = resolveTracingOptions(options, options.env);
  const hooks = lifecycle();
  const resourceAttributes = thawResourceAttributes({
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion,
    env: options.env,
  });
  const tracing = new DeferredTracing({
    options: resolved,
    now: sinceStart,
    stats: hooks.stats,
    loadTelemetry: (userProvider) =>
      userProvider
        ? userTelemetry(options.serviceVersion)
        : thawTelemetry({
            env: options.env,
            resourceAttributes,
            serviceVersion: options.serviceVersion,
            instrumentations: resolved.instrumentations,
            onError: resolved.onError,
          }),
  });
  holder[key] = tracing;
  // Tracing counts invocations itself, so the counting-only wrapper of /metrics steps aside;
  // any other wrapper keeps running, inside the span.
  const previous = hooks.invocationWrapper;
  hooks.invocationWrapper =
    previous === undefined || isCountingWrapper(previous)
      ? tracing.wrap
      : (info, run) => tracing.wrap(info, () => previous(info, run));
  hooks.flushers.push({ name: 'tracing', dispose: () => tracing.flush() });
  if (hooks.readyAt === undefined) {
    hooks.afterReady.push({ name: 'tracing', run: () => tracing.onReady() });
  } else {
    void tracing.onReady();
  }
}
