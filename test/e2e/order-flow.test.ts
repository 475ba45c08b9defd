// The design's order flow, end to end: order-risk, inventory and payment run as their own
// processes, on the real PostgreSQL and Redis, behind a broker that speaks Knative's broker
// contract and routes by the Trigger and Broker manifests the examples commit. Tracing is on in
// every function, exporting to a real OTLP/HTTP receiver, so that one trace can be followed from
// the client's OrderCreated to the payment.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createInventorySchema,
  type InventorySchema,
} from '../../examples/inventory/test/support/inventory-schema.ts';
import { redisKeys } from '../../examples/order-risk/src/assess.ts';
import {
  createScratchSchema,
  type ScratchSchema,
} from '../../examples/order-risk/test/support/scratch-schema.ts';
import { paymentKeys } from '../../examples/payment/src/capture.ts';
import {
  startOtlpCollector,
  type OtlpCollector,
  type ReceivedSpan,
} from '../../packages/runtime/test/tracing/otlp-collector.ts';
import { TestBroker, type Delivery } from '../support/broker/test-broker.ts';
import { manifestsIn } from '../support/broker/triggers.ts';
import { startFunction, type FunctionProcess } from '../support/function-process.ts';
import { repoRoot } from '../support/packed.ts';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

const examples = join(repoRoot, 'examples');
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const run = `flow_${process.pid}`;
const customer = (name: string): string => `${run}-${name}`;
const paymentPrefix = `test:${run}:`;
const payments = paymentKeys(paymentPrefix);
// The manifests' backoff (exponential from 0.5 s) at half speed; the planned waits stay in the records.
const timeScale = 0.5;
const rootTrace = '5e0c63257de34c926f9efcd03927272e';
const rootSpan = 'a3ce929d0e0e4736';

interface DeadLetters {
  readonly url: string;
  readonly received: IncomingHttpHeaders[];
  close(): Promise<void>;
}

async function deadLetterSink(): Promise<DeadLetters> {
  const received: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received.push(req.headers);
      res.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}

function orderCreated(
  orderId: string,
  customerId: string,
  sku: string,
  options: { id?: string; traceparent?: string; structured?: boolean } = {},
) {
  const data = {
    orderId,
    customerId,
    email: `${customerId}@example.com`,
    amountCents: 1_500,
    currency: 'EUR',
    country: 'DE',
    items: [{ sku, quantity: 1, priceCents: 1_500 }],
  };
  const id = options.id ?? `created-${orderId}`;
  const trace: Record<string, string> =
    options.traceparent === undefined ? {} : { traceparent: options.traceparent };
  if (options.structured === true) {
    return {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json', ...trace },
      body: JSON.stringify({
        specversion: '1.0',
        id,
        source: '/shop/checkout',
        type: 'OrderCreated',
        datacontenttype: 'application/json',
        data,
      }),
    };
  }
  return {
    method: 'POST',
    headers: {
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': '/shop/checkout',
      'ce-type': 'OrderCreated',
      'content-type': 'application/json',
      ...trace,
    },
    body: JSON.stringify(data),
  };
}

/** The Broker a SinkBinding manifest sends its subject's events to. */
function sinkBindingBroker(file: string): string {
  const manifest = parse(readFileSync(file, 'utf8')) as {
    spec: { sink: { ref?: { kind: string; name: string } } };
  };
  const ref = manifest.spec.sink.ref;
  if (ref?.kind !== 'Broker') throw new Error(`${file} does not bind to a Broker.`);
  return ref.name;
}

async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the order flow through a Knative-contract broker', () => {
  let riskSchema: ScratchSchema;
  let inventory: InventorySchema;
  let redis: Redis;
  let collector: OtlpCollector;
  let dls: DeadLetters;
  let broker: TestBroker;
  const functions: Record<'order-risk' | 'inventory' | 'payment', FunctionProcess | undefined> = {
    'order-risk': undefined,
    inventory: undefined,
    payment: undefined,
  };
  const send = async (event: ReturnType<typeof orderCreated>): Promise<void> => {
    expect((await fetch(broker.ingressUrl(), event)).status).toBe(202);
  };
  /** The PaymentCaptured events payment published to the broker for an order. */
  const paymentsPublished = (orderId: string) =>
    broker.accepted.filter(
      (a) => a.event.attributes['type'] === 'PaymentCaptured' && a.event.attributes['subject'] === orderId,
    );
  const deliveriesOf = (trigger: string, orderId: string): Delivery[] =>
    broker.deliveries.filter(
      (d) =>
        d.trigger === trigger &&
        (d.event.attributes['subject'] === orderId || d.event.attributes['id'] === `created-${orderId}`),
    );

  beforeAll(async () => {
    [riskSchema, inventory, collector, dls] = await Promise.all([
      createScratchSchema(`order_risk_${run}`),
      createInventorySchema(`inventory_${run}`),
      startOtlpCollector(),
      deadLetterSink(),
    ]);
    await inventory.stock({ book: 10, lamp: 3, vase: 3 });
    redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    await redis.sadd(redisKeys.blockedCustomers, customer('blocked'));
    const tracing = { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_BSP_SCHEDULE_DELAY: '100' };
    const entry = (name: string): string[] => [join(examples, name, 'src', 'thaw.ts')];
    const deployDirs = ['order-risk', 'inventory', 'payment'].map((name) => join(examples, name, 'deploy'));
    // The broker comes first: payment's SinkBinding points K_SINK at it. The Services' addresses
    // are known once the functions run; the broker resolves them at delivery time.
    const services: Record<string, string> = { 'dead-letters': dls.url };
    broker = await TestBroker.start({ manifests: manifestsIn(...deployDirs), services, timeScale });
    const kSink = broker.ingressUrl(
      sinkBindingBroker(join(examples, 'payment', 'deploy', 'sinkbinding.yaml')),
    );
    const [risk, inv, pay] = await Promise.all([
      startFunction(entry('order-risk'), {
        env: { ...tracing, K_SERVICE: 'order-risk', DATABASE_URL: riskSchema.url, REDIS_URL: redisUrl },
      }),
      startFunction(entry('inventory'), {
        env: {
          ...tracing,
          K_SERVICE: 'inventory',
          DATABASE_URL: inventory.url,
          INVENTORY_LOCK_TIMEOUT_MS: '300',
        },
      }),
      startFunction(entry('payment'), {
        env: {
          ...tracing,
          K_SERVICE: 'payment',
          REDIS_URL: redisUrl,
          PAYMENT_KEY_PREFIX: paymentPrefix,
          K_SINK: kSink,
        },
      }),
    ]);
    functions['order-risk'] = risk;
    functions.inventory = inv;
    functions.payment = pay;
    services['order-risk'] = `http://127.0.0.1:${risk.port}/`;
    services['inventory'] = `http://127.0.0.1:${inv.port}/`;
    services['payment'] = `http://127.0.0.1:${pay.port}/`;
  }, 60_000);

  afterAll(async () => {
    // beforeAll may have failed half way: clean up whatever it made.
    const made = <T>(value: T): T | undefined => value;
    await made(broker)?.close();
    for (const fn of Object.values(functions)) await fn?.stop();
    await made(dls)?.close();
    await made(collector)?.close();
    const client = made(redis);
    if (client !== undefined) {
      await client.srem(redisKeys.blockedCustomers, customer('blocked'));
      const keys = [
        ...(await client.keys(`${paymentPrefix}*`)),
        ...(await client.keys(redisKeys.velocity(`${run}-*`))),
      ];
      if (keys.length > 0) await client.del(...keys);
      await client.quit();
    }
    await made(riskSchema)?.drop();
    await made(inventory)?.drop();
  });

  it('routes the Triggers the examples commit: the manifests drive the broker', () => {
    expect(
      broker.triggers.map((t) => [t.name, t.filter, t.delivery.retry, t.delivery.backoffDelayMs]),
    ).toEqual([
      ['order-risk-trigger', { type: 'OrderCreated' }, 3, 500],
      [
        'inventory-trigger',
        { riskdecision: 'approved', source: '/functions/order-risk', type: 'OrderRiskAssessed' },
        4,
        500,
      ],
      ['payment-trigger', { source: '/functions/inventory', type: 'InventoryReserved' }, 4, 500],
    ]);
  });

  it('an approved order flows risk → inventory → payment, and a rejected one stops after the risk check', async () => {
    await send(
      orderCreated('o-1', customer('ada'), 'book', { traceparent: `00-${rootTrace}-${rootSpan}-01` }),
    );
    await send(orderCreated('o-2', customer('blocked'), 'book', { structured: true }));
    await broker.settled();

    const [risk] = deliveriesOf('order-risk-trigger', 'o-1');
    expect(risk?.outcome).toBe('delivered');
    expect(risk?.reply?.attributes).toMatchObject({
      type: 'OrderRiskAssessed',
      riskdecision: 'approved',
      subject: 'o-1',
    });
    const [reserve] = deliveriesOf('inventory-trigger', 'o-1');
    expect(reserve?.event.attributes['id']).toBe(risk?.reply?.attributes['id']);
    expect(reserve?.event.attributes['knativearrivaltime']).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(reserve?.outcome).toBe('delivered');
    expect(reserve?.reply?.attributes['type']).toBe('InventoryReserved');
    const [pay] = deliveriesOf('payment-trigger', 'o-1');
    expect(pay?.event.attributes['id']).toBe(reserve?.reply?.attributes['id']);
    expect(pay?.outcome).toBe('delivered');
    expect(pay?.reply).toBeUndefined();
    const [captured] = paymentsPublished('o-1');
    expect(captured?.from).toBe('ingress');
    expect(captured?.event.attributes['source']).toBe('/functions/payment');
    expect(JSON.parse(captured!.event.data!.toString())).toMatchObject({
      orderId: 'o-1',
      amountCents: 1_500,
      replayed: false,
    });

    expect(await inventory.available('book')).toBe(9);
    expect(await redis.hget(payments.captured, 'EUR')).toBe('1500');

    const [rejected] = deliveriesOf('order-risk-trigger', 'o-2');
    expect(rejected?.reply?.attributes['riskdecision']).toBe('rejected');
    expect(deliveriesOf('inventory-trigger', 'o-2')).toEqual([]);
    expect(await redis.exists(payments.payment('o-2'))).toBe(0);
  });

  it('a redelivered OrderCreated goes through every step again and changes nothing', async () => {
    await send(
      orderCreated('o-1', customer('ada'), 'book', { traceparent: `00-${rootTrace}-${rootSpan}-01` }),
    );
    await broker.settled();
    const replies = ['order-risk-trigger', 'inventory-trigger'].map((trigger) => {
      const all = deliveriesOf(trigger, 'o-1');
      expect(all, trigger).toHaveLength(2);
      return JSON.parse(all[1]!.reply!.data!.toString()) as { replayed: boolean };
    });
    expect(deliveriesOf('payment-trigger', 'o-1').map((d) => d.outcome)).toEqual(['delivered', 'delivered']);
    const captured = paymentsPublished('o-1');
    expect(captured).toHaveLength(2);
    // The same PaymentCaptured event again (same id), marked replayed: nothing was charged twice.
    expect(captured[1]?.event.attributes['id']).toBe(captured[0]?.event.attributes['id']);
    const again = JSON.parse(captured[1]!.event.data!.toString()) as { replayed: boolean };
    expect([...replies.map((r) => r.replayed), again.replayed]).toEqual([true, true, true]);
    expect(await inventory.available('book')).toBe(9);
    expect(await redis.hget(payments.captured, 'EUR')).toBe('1500');
    const orders = await riskSchema.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM orders WHERE id = 'o-1'",
    );
    expect(orders.rows[0]?.n).toBe(1);
  });

  it('a consumer that fails twice is retried per its Trigger’s delivery and then succeeds', async () => {
    const holder: PoolClient = await inventory.pool.connect();
    await holder.query('BEGIN');
    await holder.query("SELECT 1 FROM stock WHERE sku = 'lamp' FOR UPDATE");
    try {
      await send(orderCreated('o-3', customer('bob'), 'lamp'));
      await until(
        'two failed inventory attempts',
        () => (deliveriesOf('inventory-trigger', 'o-3')[0]?.attempts.length ?? 0) >= 2,
      );
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await broker.settled();
    const [reserve] = deliveriesOf('inventory-trigger', 'o-3');
    expect(reserve?.attempts.map((a) => a.result)).toEqual([
      { status: 503 },
      { status: 503 },
      { status: 200 },
    ]);
    expect(reserve?.attempts.map((a) => a.plannedWaitMs)).toEqual([0, 500, 1_000]);
    const starts = reserve!.attempts.map((a) => a.startedAt);
    const ends = reserve!.attempts.map((a) => a.endedAt);
    expect(starts[1]! - ends[0]!).toBeGreaterThanOrEqual(500 * timeScale - 5);
    expect(starts[2]! - ends[1]!).toBeGreaterThanOrEqual(1_000 * timeScale - 5);
    expect(reserve?.outcome).toBe('delivered');
    expect(deliveriesOf('payment-trigger', 'o-3')[0]?.outcome).toBe('delivered');
    expect(await inventory.available('lamp')).toBe(2);
    expect(await redis.hget(payments.captured, 'EUR')).toBe('3000');
  });

  it('a consumer that always fails gets retry + 1 attempts, then the event lands in the dead-letter sink', async () => {
    const holder: PoolClient = await inventory.pool.connect();
    await holder.query('BEGIN');
    await holder.query("SELECT 1 FROM stock WHERE sku = 'vase' FOR UPDATE");
    try {
      await send(orderCreated('o-4', customer('cy'), 'vase'));
      await until('the inventory delivery of o-4 to end', () => {
        const outcome = deliveriesOf('inventory-trigger', 'o-4')[0]?.outcome;
        return outcome !== undefined && outcome !== 'pending';
      });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    await broker.settled();
    const [reserve] = deliveriesOf('inventory-trigger', 'o-4');
    expect(reserve?.attempts.map((a) => 'status' in a.result && a.result.status)).toEqual([
      503, 503, 503, 503, 503,
    ]);
    expect(reserve?.attempts.map((a) => a.plannedWaitMs)).toEqual([0, 500, 1_000, 2_000, 4_000]);
    expect(reserve?.outcome).toBe('dead-lettered');
    const dead = dls.received.find((headers) => headers['ce-subject'] === 'o-4');
    expect(dead).toMatchObject({
      'ce-type': 'OrderRiskAssessed',
      'ce-id': reserve?.event.attributes['id'],
      'ce-knativeerrorcode': '503',
      'ce-knativeerrordest': `http://127.0.0.1:${functions.inventory!.port}/`,
    });
    expect(Buffer.from(dead!['ce-knativeerrordata'] as string, 'base64').toString()).toContain(
      'stayed locked',
    );
    expect(deliveriesOf('payment-trigger', 'o-4')).toEqual([]);
    expect(await inventory.available('vase')).toBe(3);
  });

  it('an event a consumer refuses with 400 goes to the dead-letter sink after one attempt', async () => {
    const malformed = orderCreated('o-5', customer('dee'), 'book');
    malformed.body = JSON.stringify({ ...JSON.parse(malformed.body), currency: 'euro' });
    await send(malformed);
    await broker.settled();
    const [risk] = deliveriesOf('order-risk-trigger', 'o-5');
    expect(risk?.attempts.map((a) => a.result)).toEqual([{ status: 400 }]);
    expect(risk?.outcome).toBe('dead-lettered');
    expect(dls.received.filter((headers) => headers['ce-id'] === 'created-o-5')).toHaveLength(1);
  });

  it('every event ends processed once or in the dead-letter sink, counted', async () => {
    await broker.settled();
    const outcomes = broker.deliveries.map((d) => d.outcome);
    const delivered = outcomes.filter((o) => o === 'delivered').length;
    const deadLettered = outcomes.filter((o) => o === 'dead-lettered').length;
    expect(delivered + deadLettered).toBe(broker.deliveries.length);
    expect(deadLettered).toBe(dls.received.length);
    expect(deadLettered).toBe(2);
    // Each accepted event reached each matching Trigger exactly once.
    for (const accepted of broker.accepted) {
      const id = accepted.event.attributes['id']!;
      const expected = broker.triggers.filter((t) =>
        Object.entries(t.filter).every(([k, v]) => accepted.event.attributes[k] === v),
      ).length;
      const perAcceptance = broker.accepted.filter((a) => a.event.attributes['id'] === id).length;
      expect(broker.deliveries.filter((d) => d.event.attributes['id'] === id)).toHaveLength(
        expected * perAcceptance,
      );
    }
    // Processed once: one row, one reservation, one payment per order, whatever was redelivered.
    const orders = await riskSchema.pool.query<{ id: string }>('SELECT id FROM orders ORDER BY id');
    expect(orders.rows.map((r) => r.id)).toEqual(['o-1', 'o-2', 'o-3', 'o-4']);
    const reservations = await inventory.pool.query<{ order_id: string }>(
      'SELECT order_id FROM reservations ORDER BY order_id',
    );
    expect(reservations.rows.map((r) => r.order_id)).toEqual(['o-1', 'o-3']);
    const paid = (await redis.keys(`${paymentPrefix}payment:*`)).sort();
    expect(paid).toEqual([payments.payment('o-1'), payments.payment('o-3')]);
    expect(await redis.hget(payments.captured, 'EUR')).toBe('3000');
  });

  it('one trace connects the functions: each step’s span is the child of the step before it', async () => {
    // SIGTERM flushes each function's spans; every one must exit cleanly.
    for (const name of ['order-risk', 'inventory', 'payment'] as const) {
      expect(await functions[name]!.terminate(), name).toBe(0);
    }
    const spanOf = (service: string, eventId: string | undefined): ReceivedSpan => {
      const span = collector.spans.find(
        (s) => s.resource['service.name'] === service && s.attributes['faas.invocation_id'] === eventId,
      );
      expect(span, `${service} span of event ${eventId}`).toBeDefined();
      return span!;
    };
    const [risk] = deliveriesOf('order-risk-trigger', 'o-1');
    const [reserve] = deliveriesOf('inventory-trigger', 'o-1');
    const [pay] = deliveriesOf('payment-trigger', 'o-1');
    const riskSpan = spanOf('order-risk', risk?.event.attributes['id']);
    const inventorySpan = spanOf('inventory', reserve?.event.attributes['id']);
    const paymentSpan = spanOf('payment', pay?.event.attributes['id']);
    expect([riskSpan, inventorySpan, paymentSpan].map((s) => s.traceId)).toEqual([
      rootTrace,
      rootTrace,
      rootTrace,
    ]);
    expect(riskSpan.parentSpanId).toBe(rootSpan);
    expect(inventorySpan.parentSpanId).toBe(riskSpan.spanId);
    expect(paymentSpan.parentSpanId).toBe(inventorySpan.spanId);
    expect(riskSpan.name).toBe('process OrderCreated');
    expect(inventorySpan.name).toBe('process OrderRiskAssessed');
    expect(paymentSpan.name).toBe('process InventoryReserved');
    // The same chain as the broker saw it: each delivery carried the previous step's traceparent.
    expect(reserve?.trace.traceparent).toBe(`00-${rootTrace}-${riskSpan.spanId}-01`);
    expect(pay?.trace.traceparent).toBe(`00-${rootTrace}-${inventorySpan.spanId}-01`);
    // publish(): payment's PaymentCaptured arrived at the ingress with payment's span as parent.
    expect(paymentsPublished('o-1')[0]?.trace.traceparent).toBe(`00-${rootTrace}-${paymentSpan.spanId}-01`);
  });
});
