import { describe, expect, it } from 'vitest';
import { documentedDefaults as documentedProperties } from '../../test/support/documented-defaults.ts';
import { ConfigError } from '../errors.ts';
import { defaultTracingOptions, resolveTracingOptions } from './tracing-options.ts';

/** The `@default` of each documented field of an interface, as the TypeScript compiler reads it. */
function documentedDefaults(file: string, interfaceName: string): Record<string, string> {
  const defaults: Record<string, string> = {};
  for (const [name, property] of documentedProperties(new URL(file, import.meta.url), interfaceName)) {
    if (property.default !== undefined) defaults[name] = property.default;
  }
  return defaults;
}

describe('tracing options', () => {
  it('has defaults that match what the JSDoc documents', () => {
    const documented = documentedDefaults('./tracing-options.ts', 'TracingOptions');
    expect(Object.keys(documented).sort()).toEqual(Object.keys(defaultTracingOptions).sort());
    expect(documented['sdkIdleDelayMs']).toBe(String(defaultTracingOptions.sdkIdleDelayMs));
    expect(documented['sdkQuietMs']).toBe(String(defaultTracingOptions.sdkQuietMs));
    expect(documented['flushTimeoutMs']).toBe(String(defaultTracingOptions.flushTimeoutMs));
    expect(documented['invocationBufferSize']).toBe(String(defaultTracingOptions.invocationBufferSize));
    expect(documented['instrumentations']).toBe("['pg', 'ioredis']");
    expect(defaultTracingOptions.instrumentations).toEqual(['pg', 'ioredis']);
    expect(documented['onError']).toContain('stderr');
  });

  it('resolves to the defaults when nothing is given', () => {
    expect(resolveTracingOptions({}, {})).toEqual(defaultTracingOptions);
  });

  it('reads THAW_OTEL_IDLE_DELAY_MS, THAW_OTEL_QUIET_MS and THAW_OTEL_FLUSH_TIMEOUT_MS, and code wins over them', () => {
    const env = {
      THAW_OTEL_IDLE_DELAY_MS: '250',
      THAW_OTEL_QUIET_MS: '40',
      THAW_OTEL_FLUSH_TIMEOUT_MS: '900',
    };
    expect(resolveTracingOptions({}, env)).toMatchObject({
      sdkIdleDelayMs: 250,
      sdkQuietMs: 40,
      flushTimeoutMs: 900,
    });
    expect(resolveTracingOptions({ sdkIdleDelayMs: 0 }, env).sdkIdleDelayMs).toBe(0);
    expect(resolveTracingOptions({ sdkQuietMs: 0 }, env).sdkQuietMs).toBe(0);
  });

  it('rejects a malformed environment variable, naming it and the value', () => {
    expect(() => resolveTracingOptions({}, { THAW_OTEL_FLUSH_TIMEOUT_MS: '2s' })).toThrow(ConfigError);
    expect(() => resolveTracingOptions({}, { THAW_OTEL_FLUSH_TIMEOUT_MS: '2s' })).toThrow(
      'Invalid THAW_OTEL_FLUSH_TIMEOUT_MS: received "2s"; expected a whole number of milliseconds.',
    );
  });

  it('rejects out-of-range options, naming the option', () => {
    expect(() => resolveTracingOptions({ flushTimeoutMs: 0 }, {})).toThrow(
      'Invalid flushTimeoutMs: received 0',
    );
    expect(() => resolveTracingOptions({ invocationBufferSize: 1.5 }, {})).toThrow('invocationBufferSize');
    expect(() => resolveTracingOptions({ sdkIdleDelayMs: -1 }, {})).toThrow('sdkIdleDelayMs');
    expect(() => resolveTracingOptions({ sdkQuietMs: -1 }, {})).toThrow('Invalid sdkQuietMs: received -1');
    expect(() => resolveTracingOptions({}, { THAW_OTEL_QUIET_MS: 'soon' })).toThrow(
      'Invalid THAW_OTEL_QUIET_MS: received "soon"',
    );
  });

  it('reads THAW_OTEL_INSTRUMENTATIONS as a list or none, and code wins over it', () => {
    expect(resolveTracingOptions({}, { THAW_OTEL_INSTRUMENTATIONS: 'pg, http' }).instrumentations).toEqual([
      'pg',
      'http',
    ]);
    expect(resolveTracingOptions({}, { THAW_OTEL_INSTRUMENTATIONS: 'none' }).instrumentations).toEqual([]);
    expect(
      resolveTracingOptions({ instrumentations: ['ioredis'] }, { THAW_OTEL_INSTRUMENTATIONS: 'pg' })
        .instrumentations,
    ).toEqual(['ioredis']);
  });

  it('rejects an unknown instrumentation, naming the variable or option and what is allowed', () => {
    expect(() => resolveTracingOptions({}, { THAW_OTEL_INSTRUMENTATIONS: 'pg,mysql' })).toThrow(
      'Invalid THAW_OTEL_INSTRUMENTATIONS: received "pg,mysql"; expected a comma-separated list of pg, ioredis, http, or none.',
    );
    expect(() => resolveTracingOptions({ instrumentations: ['redis'] as unknown as ['pg'] }, {})).toThrow(
      `Invalid instrumentations: received "redis"; expected each item one of 'pg', 'ioredis', 'http'.`,
    );
  });

  it('accepts THAW_OTEL_MODULE_SPANS as 1 or 0 and rejects anything else, naming the variable', () => {
    expect(() => resolveTracingOptions({}, { THAW_OTEL_MODULE_SPANS: '1' })).not.toThrow();
    expect(() => resolveTracingOptions({}, { THAW_OTEL_MODULE_SPANS: '0' })).not.toThrow();
    expect(() => resolveTracingOptions({}, { THAW_OTEL_MODULE_SPANS: 'yes' })).toThrow(
      'Invalid THAW_OTEL_MODULE_SPANS: received "yes"; expected 1 (module-load spans on) or 0 (off).',
    );
  });
});
