import * as sdkTrace from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { traceSdkSettings } from './light-sdk-env.ts';

describe('traceSdkSettings', () => {
  it('leaves everything to the SDK defaults when no variable is set', () => {
    const problems: string[] = [];
    expect(traceSdkSettings(sdkTrace, {}, (p) => problems.push(p))).toEqual({
      sampler: undefined,
      spanLimits: {},
      batch: {},
    });
    expect(problems).toEqual([]);
  });

  it('reads the sampler, span limits and batch settings', () => {
    const settings = traceSdkSettings(
      sdkTrace,
      {
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_ATTRIBUTE_COUNT_LIMIT: '16',
        OTEL_SPAN_EVENT_COUNT_LIMIT: '8',
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BSP_MAX_QUEUE_SIZE: '100',
      },
      () => undefined,
    );
    expect(settings.sampler).toBeInstanceOf(sdkTrace.ParentBasedSampler);
    expect(settings.sampler?.toString()).toContain('0.25');
    expect(settings.spanLimits).toEqual({ attributeCountLimit: 16, eventCountLimit: 8 });
    expect(settings.batch).toEqual({ scheduledDelayMillis: 200, maxQueueSize: 100 });
    expect(
      traceSdkSettings(sdkTrace, { OTEL_TRACES_SAMPLER: 'always_off' }, () => undefined).sampler,
    ).toBeInstanceOf(sdkTrace.AlwaysOffSampler);
  });

  it('reports a value it does not understand and keeps the default', () => {
    const problems: string[] = [];
    const settings = traceSdkSettings(
      sdkTrace,
      { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_BSP_SCHEDULE_DELAY: '0', OTEL_SPAN_LINK_COUNT_LIMIT: 'many' },
      (p) => problems.push(p),
    );
    expect(settings).toEqual({ sampler: undefined, spanLimits: {}, batch: {} });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/OTEL_TRACES_SAMPLER=sometimes/);
    expect(problems.join('\n')).toMatch(/OTEL_BSP_SCHEDULE_DELAY=0/);
    expect(problems.join('\n')).toMatch(/OTEL_SPAN_LINK_COUNT_LIMIT=many/);
  });
});
