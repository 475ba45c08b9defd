import { afterAll, describe, expect, it } from 'vitest';
import { hasRegisteredTracerProvider, thawTelemetry, type Telemetry } from './otel.ts';

let telemetry: Telemetry | undefined;

afterAll(async () => {
  await telemetry?.flush();
  if (telemetry === undefined) return;
  const { api } = telemetry;
  api.trace.disable();
  api.context.disable();
  api.propagation.disable();
  api.diag.disable();
});

describe("thaw's own SDK, started in steps", () => {
  it('registers its tracer provider only in the last step, after every package is loaded and the SDK is built', async () => {
    const registeredAtEachStep: boolean[] = [];
    const pace = (): Promise<void> => {
      registeredAtEachStep.push(hasRegisteredTracerProvider());
      return new Promise((resolve) => {
        setImmediate(resolve);
      });
    };
    telemetry = await thawTelemetry(
      {
        // Nothing listens on port 9: nothing is exported in this test.
        env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' },
        resourceAttributes: { 'service.name': 'paced-start' },
        serviceVersion: undefined,
        instrumentations: ['pg'],
        onError: () => undefined,
      },
      pace,
    );
    expect(hasRegisteredTracerProvider()).toBe(true);
    expect(telemetry.sdkPath).toBe('light');
    // The packages, the send path, the instrumentation, the SDK's parts: many steps, and the
    // provider registered after the last of them, not before any.
    expect(registeredAtEachStep.length).toBeGreaterThan(20);
    expect(registeredAtEachStep.every((registered) => !registered)).toBe(true);
  });
});
