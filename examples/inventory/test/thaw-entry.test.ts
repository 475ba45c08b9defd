import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startFunction, type FunctionProcess } from '../../../test/support/function-process.ts';
import {
  createInventorySchema,
  riskAssessedEvent,
  type InventorySchema,
} from './support/inventory-schema.ts';

const entry = join(import.meta.dirname, '..', 'src', 'thaw.ts');

describe('the inventory function in its own process', () => {
  let schema: InventorySchema;
  let fn: FunctionProcess;

  beforeAll(async () => {
    schema = await createInventorySchema(`inventory_entry_${process.pid}`);
    await schema.stock({ book: 5, lamp: 1 });
    fn = await startFunction([entry], {
      env: { DATABASE_URL: schema.url, INVENTORY_LOCK_TIMEOUT_MS: '200' },
    });
  });

  afterAll(async () => {
    await fn.stop();
    await schema.drop();
  });

  it('answers an approved order with an InventoryReserved reply carrying what payment needs', async () => {
    const answer = await send(
      fn.port,
      riskAssessedEvent('o-1', [{ sku: 'book', quantity: 2, priceCents: 1_250 }]),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['ce-type']).toBe('InventoryReserved');
    expect(answer.headers['ce-source']).toBe('/functions/inventory');
    expect(answer.headers['ce-subject']).toBe('o-1');
    expect(JSON.parse(answer.body)).toEqual({
      orderId: 'o-1',
      customerId: 'c-42',
      amountCents: 2_500,
      currency: 'EUR',
      items: [{ sku: 'book', quantity: 2, priceCents: 1_250 }],
      replayed: false,
    });
    expect(await schema.available('book')).toBe(3);
  });

  it('answers a redelivered event with the same reply, marked replayed, and leaves the stock alone', async () => {
    const answer = await send(
      fn.port,
      riskAssessedEvent('o-1', [{ sku: 'book', quantity: 2, priceCents: 1_250 }]),
    );
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ orderId: 'o-1', replayed: true });
    expect(await schema.available('book')).toBe(3);
  });

  it('answers InventoryUnavailable with the shortage when the stock is not enough', async () => {
    const answer = await send(
      fn.port,
      riskAssessedEvent('o-2', [{ sku: 'lamp', quantity: 2, priceCents: 4_000 }]),
    );
    expect(answer.status).toBe(200);
    expect(answer.headers['ce-type']).toBe('InventoryUnavailable');
    expect(JSON.parse(answer.body)).toEqual({
      orderId: 'o-2',
      customerId: 'c-42',
      missing: [{ sku: 'lamp', requested: 2, available: 1 }],
      replayed: false,
    });
    expect(await schema.available('lamp')).toBe(1);
  });

  it('answers 503, which the Broker retries, while the stock row is locked, and reserves once it is free', async () => {
    const holder = await schema.pool.connect();
    const event = riskAssessedEvent('o-3', [{ sku: 'lamp', quantity: 1, priceCents: 4_000 }]);
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM stock WHERE sku = $1 FOR UPDATE', ['lamp']);
      const busy = await send(fn.port, event);
      expect(busy.status).toBe(503);
      expect(JSON.parse(busy.body)).toMatchObject({
        message: expect.stringContaining('stayed locked') as unknown,
      });
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
    const retried = await send(fn.port, event);
    expect(retried.status).toBe(200);
    expect(retried.headers['ce-type']).toBe('InventoryReserved');
    expect(await schema.available('lamp')).toBe(0);
  });

  it('answers 400, which the Broker does not retry, for a rejected order, bad data or another type', async () => {
    const rejected = await send(
      fn.port,
      riskAssessedEvent('o-4', [{ sku: 'book', quantity: 1, priceCents: 1 }], { decision: 'rejected' }),
    );
    expect(rejected.status).toBe(400);
    expect(JSON.parse(rejected.body)).toMatchObject({
      message: expect.stringContaining('riskdecision: approved') as unknown,
    });
    const bad = await send(
      fn.port,
      riskAssessedEvent('o-5', [], {
        data: {
          orderId: 'o-5',
          customerId: 'c',
          decision: 'approved',
          order: { amountCents: 1, currency: 'EUR', items: [{ sku: 'book', quantity: 0, priceCents: 1 }] },
        },
      }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({
      message: 'Invalid OrderRiskAssessed data: order.items[0].quantity must be an integer of at least 1.',
    });
    const other = riskAssessedEvent('o-6', [{ sku: 'book', quantity: 1, priceCents: 1 }]);
    other.headers['ce-type'] = 'OrderCreated';
    expect((await send(fn.port, other)).status).toBe(400);
    const rows = await schema.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM reservations WHERE order_id IN ('o-4', 'o-5', 'o-6')",
    );
    expect(rows.rows[0]?.n).toBe(0);
    expect(await schema.available('book')).toBe(3);
  });
});
