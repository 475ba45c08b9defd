import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startFunction, type FunctionProcess } from '../../../test/support/function-process.ts';
import { redisKeys } from '../src/assess.ts';
import { binaryEvent, orderData, structuredEvent } from './support/order-events.ts';
import { createScratchSchema, redisUrl, type ScratchSchema } from './support/scratch-schema.ts';

const entry = join(import.meta.dirname, '..', 'src', 'thaw.ts');
const run = `thaw_${process.pid}`;
const customer = (name: string): string => `${run}-${name}`;

describe('the thaw entry of order-risk against PostgreSQL and Redis', () => {
  let schema: ScratchSchema;
  let redis: Redis;
  let fn: FunctionProcess;

  beforeAll(async () => {
    schema = await createScratchSchema(`order_risk_${run}`);
    redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    await redis.sadd(redisKeys.blockedCustomers, customer('blocked'));
    fn = await startFunction([entry], { env: { DATABASE_URL: schema.url, REDIS_URL: redisUrl } });
  });

  afterAll(async () => {
    await fn.stop();
    await redis.srem(redisKeys.blockedCustomers, customer('blocked'));
    const keys = await redis.keys(redisKeys.velocity(`${run}-*`));
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await schema.drop();
  });

  it('answers a binary OrderCreated event with an OrderRiskAssessed reply and records the order', async () => {
    const answer = await send(fn.port, binaryEvent(orderData('bin-1', customer('ada')), { id: 'e-bin-1' }));
    expect(answer.status).toBe(200);
    expect(answer.headers['ce-type']).toBe('OrderRiskAssessed');
    expect(answer.headers['ce-source']).toBe('/functions/order-risk');
    expect(answer.headers['ce-subject']).toBe('bin-1');
    expect(answer.headers['ce-specversion']).toBe('1.0');
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(answer.headers['ce-riskdecision']).toBe('approved');
    expect(JSON.parse(answer.body)).toEqual({
      orderId: 'bin-1',
      customerId: customer('ada'),
      decision: 'approved',
      reasons: [],
      replayed: false,
      order: { amountCents: 2500, currency: 'EUR', items: [{ sku: 'book', quantity: 1, priceCents: 2500 }] },
    });
    const rows = await schema.pool.query(
      'SELECT customer_id, amount_cents, decision FROM orders WHERE id = $1',
      ['bin-1'],
    );
    expect(rows.rows).toEqual([{ customer_id: customer('ada'), amount_cents: '2500', decision: 'approved' }]);
  });

  it('answers a structured OrderCreated event the same way and rejects a blocklisted customer', async () => {
    const answer = await send(fn.port, structuredEvent(orderData('str-1', customer('blocked'))));
    expect(answer.status).toBe(200);
    expect(answer.headers['ce-type']).toBe('OrderRiskAssessed');
    expect(answer.headers['ce-subject']).toBe('str-1');
    expect(answer.headers['ce-riskdecision']).toBe('rejected');
    expect(JSON.parse(answer.body)).toMatchObject({
      orderId: 'str-1',
      customerId: customer('blocked'),
      decision: 'rejected',
      reasons: ['blocklisted'],
      replayed: false,
    });
    const rows = await schema.pool.query('SELECT decision, reasons FROM orders WHERE id = $1', ['str-1']);
    expect(rows.rows).toEqual([{ decision: 'rejected', reasons: ['blocklisted'] }]);
  });

  it('answers a redelivered event with the stored decision and records the order once', async () => {
    const event = binaryEvent(orderData('again-1', customer('bob')), { id: 'e-again' });
    expect(JSON.parse((await send(fn.port, event)).body)).toMatchObject({ replayed: false });
    expect(JSON.parse((await send(fn.port, event)).body)).toMatchObject({
      replayed: true,
      decision: 'approved',
    });
    const rows = await schema.pool.query('SELECT count(*)::int AS n FROM orders WHERE id = $1', ['again-1']);
    expect(rows.rows).toEqual([{ n: 1 }]);
    expect(await redis.get(redisKeys.velocity(customer('bob')))).toBe('1');
  });

  it('answers 400 naming the field for malformed order data, in both modes, and records nothing', async () => {
    const bad = { ...orderData('bad-1', customer('cy')), currency: 'euro' };
    for (const event of [binaryEvent(bad), structuredEvent(bad)]) {
      const answer = await send(fn.port, event);
      expect(answer.status).toBe(400);
      const body = JSON.parse(answer.body) as { error: string; message: string };
      expect(body.error).toBe('THAW_HTTP_ERROR');
      expect(body.message).toContain('currency');
    }
    const noItems = await send(fn.port, binaryEvent({ ...orderData('bad-2', customer('cy')), items: [] }));
    expect(noItems.status).toBe(400);
    expect((JSON.parse(noItems.body) as { message: string }).message).toContain('items');
    const rows = await schema.pool.query("SELECT id FROM orders WHERE id LIKE 'bad-%'");
    expect(rows.rows).toEqual([]);
  });

  it('answers 400 for an event of another type and for a request that is no CloudEvent', async () => {
    const other = await send(
      fn.port,
      binaryEvent(orderData('t-1', customer('dee')), { type: 'OrderShipped' }),
    );
    expect(other.status).toBe(400);
    expect((JSON.parse(other.body) as { message: string }).message).toContain('OrderShipped');
    const plain = await send(fn.port, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(plain.status).toBe(400);
    expect((JSON.parse(plain.body) as { error: string }).error).toBe('THAW_EVENT_INVALID');
  });
});
