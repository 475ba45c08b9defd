import { describe, expect, it } from 'vitest';
import { runFixture } from './run-fixture.ts';

describe('a process with tracing off', () => {
  it('never loads an OpenTelemetry package, even with /metrics served', async () => {
    const run = await runFixture('tracing-off.ts', {});
    expect(run.code).toBe(0);
    expect(run.result['resolved']).toEqual([]);
    expect(run.result['metrics']).toContain('\nthaw_invocations_total 2\n');
  });
});
