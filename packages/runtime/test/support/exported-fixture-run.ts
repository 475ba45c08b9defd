// A tracing fixture run against a real OTLP/HTTP collector on loopback: the collector starts
// before the fixture is spawned (its URL goes into the fixture's environment) and closes after
// the file's tests. The SDK export tests (thaw's light SDK, the standard OTEL_* settings, the
// full sdk-node) differ only in the environment they give the fixture.
import { afterAll, beforeAll } from 'vitest';
import { startOtlpCollector, type OtlpCollector, type ReceivedSpan } from '../tracing/otlp-collector.ts';
import { runFixture, type FixtureRun } from '../tracing/run-fixture.ts';

/** What the run left, filled in before the first test of the file. */
export interface ExportedRun {
  readonly collector: OtlpCollector;
  readonly run: FixtureRun;
  readonly spans: ReceivedSpan[];
}

/**
 * Registers the collector and the fixture run for the enclosing `describe`; `env` builds the
 * fixture's environment from the collector's URL.
 */
export function exportedFixtureRun(
  fixture: string,
  env: (collectorUrl: string) => Record<string, string>,
): ExportedRun {
  const exported = {} as { collector: OtlpCollector; run: FixtureRun; spans: ReceivedSpan[] };
  beforeAll(async () => {
    exported.collector = await startOtlpCollector();
    exported.run = await runFixture(fixture, env(exported.collector.url));
    exported.spans = exported.collector.spans;
  });
  afterAll(async () => {
    await exported.collector.close();
  });
  return exported;
}
