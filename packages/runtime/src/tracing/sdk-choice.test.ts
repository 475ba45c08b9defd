import { describe, expect, it } from 'vitest';
import { chooseSdk } from './sdk-choice.ts';

describe('chooseSdk', () => {
  it('takes the light path with no OTEL_* choice, or with OTLP over HTTP/JSON named', () => {
    expect(chooseSdk({})).toEqual({ path: 'light' });
    expect(chooseSdk({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toEqual({ path: 'light' });
    expect(chooseSdk({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual({ path: 'light' });
    expect(
      chooseSdk({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'HTTP/JSON' }),
    ).toEqual({ path: 'light' });
    expect(chooseSdk({ OTEL_PROPAGATORS: 'baggage, tracecontext' })).toEqual({ path: 'light' });
    expect(chooseSdk({ OTEL_PROPAGATORS: 'none' })).toEqual({ path: 'light' });
    expect(chooseSdk({ OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none' })).toEqual({
      path: 'light',
    });
    expect(chooseSdk({ OTEL_SDK_DISABLED: 'false', OTEL_TRACES_EXPORTER: '' })).toEqual({ path: 'light' });
  });

  it('takes the full SDK for what only it provides, naming the variable', () => {
    const full = (env: NodeJS.ProcessEnv): string | undefined => chooseSdk(env).reason;
    expect(full({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBe('OTEL_EXPORTER_OTLP_PROTOCOL=grpc');
    expect(
      full({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toBe('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/protobuf');
    // OTLP named without a protocol is OTLP's default protocol, http/protobuf.
    expect(full({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe('OTEL_TRACES_EXPORTER=otlp');
    expect(full({ OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBe(
      'OTEL_TRACES_EXPORTER=console',
    );
    expect(full({ OTEL_TRACES_EXPORTER: 'none' })).toBe('OTEL_TRACES_EXPORTER=none');
    expect(full({ OTEL_PROPAGATORS: 'tracecontext,b3' })).toBe('OTEL_PROPAGATORS=tracecontext,b3');
    expect(full({ OTEL_METRICS_EXPORTER: 'otlp' })).toBe('OTEL_METRICS_EXPORTER=otlp');
    expect(full({ OTEL_LOGS_EXPORTER: 'console' })).toBe('OTEL_LOGS_EXPORTER=console');
    expect(full({ OTEL_NODE_RESOURCE_DETECTORS: 'env,host' })).toBe('OTEL_NODE_RESOURCE_DETECTORS=env,host');
    expect(full({ OTEL_SDK_DISABLED: 'true' })).toBe('OTEL_SDK_DISABLED=true');
    expect(chooseSdk({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).path).toBe('full');
  });
});
