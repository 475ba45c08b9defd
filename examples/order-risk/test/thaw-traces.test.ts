import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { send, startFunction } from '../../../test/support/function-process.ts';
import { redisKeys } from '../src/assess.ts';
import { binaryEvent, orderData } from './support/order-events.ts';
import { startOtlpCollector, type OtlpCollector } from './support/otlp-collector.ts';
import { createScratchSchema, redisUrl, type ScratchSchema } from './support/scratch-schema.ts';

const entry = join(import.meta.dirname, '..', 'src', 'thaw.ts');
const run = `traces_${process.pid}`;

let collector: OtlpCollector;
let schema: ScratchSchema;

beforeAll(async () => {
  collector = await startOtlpCollector();
  schema = await createScratchSchema(`order_risk_${run}`);
});

afterAll(async () => {
  await collector.close();
  const redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  await redis.del(redisKeys.velocity(`${run}-ada`));
  await redis.quit();
  await schema.drop();
});

it('exports the cold start and the OrderCreated invocation to the OTLP endpoint, flushed on SIGTERM', async () => {
  const fn = await startFunction([entry], {
    env: {
      DATABASE_URL: schema.url,
      REDIS_URL: redisUrl,
      K_SERVICE: 'order-risk',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
    },
  });
  try {
    const answer = await send(fn.port, binaryEvent(orderData('traced-1', `${run}-ada`)));
    expect(answer.status).toBe(200);
    expect(await fn.terminate()).toBe(0);
  } finally {
    await fn.stop();
  }

  const spans = collector.spans();
  expect(spans.map((span) => span.name)).toEqual(
    expect.arrayContaining(['cold start', 'init postgres', 'init redis', 'ready', 'process OrderCreated']),
  );
  expect(collector.serviceNames()).toEqual(new Set(['order-risk']));
  const invocation = spans.find((span) => span.name === 'process OrderCreated');
  // SERVER (2), marked as the cold start's first invocation.
  expect(invocation?.kind).toBe(2);
  expect(invocation?.attributes).toContain('faas.coldstart');
}, 60_000);
