import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { send, startFunction } from '../../../test/support/function-process.ts';
import { redisKeys } from '../src/assess.ts';
import { binaryEvent, orderData, structuredEvent } from './support/order-events.ts';
import { startOtlpCollector, type OtlpCollector } from './support/otlp-collector.ts';
import { createScratchSchema, redisUrl } from './support/scratch-schema.ts';

const src = join(import.meta.dirname, '..', 'src');
const run = `agree_${process.pid}`;
const customer = (name: string): string => `${run}-${name}`;

// The same deliveries for both entries: approvals, a blocklisted customer, a large first order,
// the velocity limit, a redelivery, malformed data and a foreign event type.
const deliveries = [
  binaryEvent(orderData('o-1', customer('ada')), { id: 'e-1' }),
  structuredEvent(orderData('o-2', customer('blocked')), { id: 'e-2' }),
  binaryEvent(orderData('o-3', customer('big'), 90_000), { id: 'e-3' }),
  ...[4, 5, 6, 7, 8, 9].map((n) => structuredEvent(orderData(`o-${n}`, customer('fast')), { id: `e-${n}` })),
  binaryEvent(orderData('o-1', customer('ada')), { id: 'e-1' }),
  binaryEvent({ ...orderData('o-10', customer('ada')), amountCents: 1 }, { id: 'e-10' }),
  structuredEvent({ ...orderData('o-11', customer('ada')), email: 'no-at-sign' }, { id: 'e-11' }),
  binaryEvent(orderData('o-12', customer('ada')), { id: 'e-12', type: 'OrderShipped' }),
];

interface Outcome {
  status: number;
  type: string | undefined;
  subject: string | undefined;
  data: unknown;
  problem: string | undefined;
}

let redis: Redis;
let collector: OtlpCollector;

async function clearRedis(): Promise<void> {
  const keys = await redis.keys(redisKeys.velocity(`${run}-*`));
  if (keys.length > 0) await redis.del(...keys);
}

beforeAll(async () => {
  collector = await startOtlpCollector();
  redis = new Redis(redisUrl, { lazyConnect: true });
  await redis.connect();
  await redis.sadd(redisKeys.blockedCustomers, customer('blocked'));
});

afterAll(async () => {
  await collector.close();
  await clearRedis();
  await redis.srem(redisKeys.blockedCustomers, customer('blocked'));
  await redis.quit();
});

/** Runs every delivery against one entry, on a fresh schema and fresh counters. */
async function outcomesOf(variant: 'eager' | 'thaw'): Promise<{ outcomes: Outcome[]; rows: unknown[] }> {
  const schema = await createScratchSchema(`order_risk_${run}_${variant}`);
  await clearRedis();
  const env = { DATABASE_URL: schema.url, REDIS_URL: redisUrl };
  // Each entry as it is meant to run: the eager one with its OpenTelemetry preload, exporting
  // to a collector of the test's own.
  const fn =
    variant === 'thaw'
      ? await startFunction([join(src, 'thaw.ts')], { env })
      : await startFunction(['--import', join(src, 'eager-otel.ts'), join(src, 'eager.ts')], {
          env: { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint },
          ready: 'tcp',
        });
  try {
    const outcomes: Outcome[] = [];
    for (const delivery of deliveries) {
      const answer = await send(fn.port, delivery);
      const ok = answer.status === 200;
      // The eager entry answers errors as text, thaw as JSON with a message: compare the sentence.
      const problem = ok
        ? undefined
        : answer.headers['content-type']?.startsWith('application/json') === true
          ? (JSON.parse(answer.body) as { message: string }).message
          : answer.body;
      outcomes.push({
        status: answer.status,
        type: answer.headers['ce-type'] as string | undefined,
        subject: answer.headers['ce-subject'] as string | undefined,
        data: ok ? (JSON.parse(answer.body) as unknown) : undefined,
        problem,
      });
    }
    const rows = await schema.pool.query(
      'SELECT id, customer_id, amount_cents, decision, reasons FROM orders ORDER BY id',
    );
    // Both shut down cleanly on SIGTERM (the eager one after flushing its spans).
    expect(await fn.terminate()).toBe(0);
    return { outcomes, rows: rows.rows };
  } finally {
    await fn.stop();
    await schema.drop();
  }
}

it('the eager and the thaw entry answer the same events with the same replies and database effects', async () => {
  const thaw = await outcomesOf('thaw');
  const eager = await outcomesOf('eager');
  expect(eager).toEqual(thaw);

  // And what they agree on is the intended behaviour, not a shared failure.
  const statuses = thaw.outcomes.map((outcome) => outcome.status);
  expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 400, 400, 400]);
  expect(thaw.outcomes.slice(0, 10).map((outcome) => outcome.type)).toEqual(
    Array(10).fill('OrderRiskAssessed'),
  );
  const decisions = thaw.outcomes.slice(0, 10).map((outcome) => {
    const data = outcome.data as { decision: string; reasons: string[]; replayed: boolean };
    return [data.decision, ...data.reasons, ...(data.replayed ? ['replayed'] : [])].join(' ');
  });
  expect(decisions).toEqual([
    'approved',
    'rejected blocklisted',
    'rejected new-customer-high-amount',
    'approved',
    'approved',
    'approved',
    'approved',
    'approved',
    'rejected velocity',
    'approved replayed',
  ]);
  expect(thaw.outcomes[10]?.problem).toContain('amountCents');
  expect(thaw.outcomes[11]?.problem).toContain('email');
  expect(thaw.outcomes[12]?.problem).toContain('OrderShipped');
  expect(thaw.rows).toHaveLength(9);

  // The eager entry traced the same work through its preloaded SDK, database and Redis included.
  const scopes = new Set(collector.spans().map((span) => span.scope));
  expect(scopes).toContain('@opentelemetry/instrumentation-pg');
  expect(scopes).toContain('@opentelemetry/instrumentation-ioredis');
}, 60_000);
