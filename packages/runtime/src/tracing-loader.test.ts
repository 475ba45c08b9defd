import { afterEach, describe, expect, it } from 'vitest';
import { invocationWrapper, lifecycle, resetLifecycleForTesting } from './lifecycle.ts';
import { installTracingModule, tracingWanted } from './tracing-loader.ts';

describe('tracing decision', () => {
  const key = Symbol.for('opentelemetry.js.api.1');
  afterEach(() => {
    Reflect.deleteProperty(globalThis, key);
  });

  it('follows the tracing option when given, else THAW_OTEL, OTEL_EXPORTER_OTLP_* or a registered API', () => {
    expect(tracingWanted(undefined, {})).toBe(false);
    expect(tracingWanted(true, {})).toBe(true);
    expect(tracingWanted(false, { THAW_OTEL: '1' })).toBe(false);
    expect(tracingWanted(undefined, { THAW_OTEL: '1' })).toBe(true);
    expect(tracingWanted(undefined, { THAW_OTEL: '0' })).toBe(false);
    expect(tracingWanted(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingWanted(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' })).toBe(false);
    (globalThis as Record<symbol, unknown>)[key] = { version: '1.10.0' };
    expect(tracingWanted(undefined, {})).toBe(true);
  });

  it('loads the tracing module, which sets the invocation wrapper and registers its SDK work', async () => {
    const hooks = lifecycle();
    const before = { afterReady: hooks.afterReady.length, flushers: hooks.flushers.length };
    await installTracingModule({ serviceName: 'f', env: {} });
    expect(invocationWrapper()).toBeTypeOf('function');
    const after = lifecycle();
    expect(after.afterReady.length + after.flushers.length).toBeGreaterThan(
      before.afterReady + before.flushers,
    );
    resetLifecycleForTesting();
  });
});
