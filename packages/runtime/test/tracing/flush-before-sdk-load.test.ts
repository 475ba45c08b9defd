import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpCollector, type OtlpCollector } from './otlp-collector.ts';
import { runFixture } from './run-fixture.ts';

describe('shutting down before the SDK was loaded', () => {
  let collector: OtlpCollector;

  beforeAll(async () => {
    collector = await startOtlpCollector();
  });

  afterAll(async () => {
    await collector.close();
  });

  it('loads the SDK in the flush and still exports the cold start of a process that never became ready', async () => {
    // The flush loads the whole SDK before it exports: on a loaded machine that alone can take
    // seconds, so its bound is set far above that (the test waits for the process to exit, which
    // it does as soon as the export is done), and below the fixture's own timeout.
    const run = await runFixture(
      'never-ready.ts',
      {
        THAW_OTEL: '1',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        THAW_OTEL_FLUSH_TIMEOUT_MS: '20000',
      },
      25_000,
    );
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('thaw.telemetry.error');
    expect(run.result['beforeFlush']).toBeNull();
    expect(run.result['afterFlush']).toEqual(expect.any(Number));
    const root = collector.spans.find((span) => span.name === 'cold start')!;
    expect(root).toBeDefined();
    const init = collector.spans.find((span) => span.name === 'init: db')!;
    expect(init.parentSpanId).toBe(root.spanId);
    expect(init.attributes).toMatchObject({ 'thaw.init.outcome': 'failed', 'thaw.init.attempts': 3 });
    expect(collector.spans.some((span) => span.name === 'ready')).toBe(false);
    expect(root.resource['service.name']).toBe('fixture-package');
  });
});
