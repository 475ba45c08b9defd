import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApprovedOrder } from '../src/approved-order.ts';
import { reserveStock, StockBusyError } from '../src/reserve.ts';
import { createInventorySchema, type InventorySchema } from './support/inventory-schema.ts';

const order = (orderId: string, items: ApprovedOrder['items']): ApprovedOrder => ({
  orderId,
  customerId: 'c-1',
  amountCents: items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0),
  currency: 'EUR',
  items,
});

describe('reserving stock in PostgreSQL', () => {
  let schema: InventorySchema;
  beforeAll(async () => {
    schema = await createInventorySchema(`inventory_reserve_${process.pid}`);
  });
  afterAll(async () => {
    await schema.drop();
  });

  it('takes every line of the order from the stock, summing lines of the same SKU', async () => {
    await schema.stock({ pen: 10, ink: 3 });
    const result = await reserveStock(
      schema.pool,
      order('r-1', [
        { sku: 'pen', quantity: 2, priceCents: 100 },
        { sku: 'ink', quantity: 1, priceCents: 300 },
        { sku: 'pen', quantity: 1, priceCents: 100 },
      ]),
      'e-1',
      1_000,
    );
    expect(result).toEqual({ orderId: 'r-1', status: 'reserved', missing: [], replayed: false });
    expect(await schema.available('pen')).toBe(7);
    expect(await schema.available('ink')).toBe(2);
  });

  it('reserves nothing when one SKU is short, and records the shortage', async () => {
    await schema.stock({ cup: 5, lid: 1 });
    const result = await reserveStock(
      schema.pool,
      order('r-2', [
        { sku: 'cup', quantity: 2, priceCents: 100 },
        { sku: 'lid', quantity: 2, priceCents: 10 },
        { sku: 'unknown', quantity: 1, priceCents: 10 },
      ]),
      'e-2',
      1_000,
    );
    expect(result).toEqual({
      orderId: 'r-2',
      status: 'unavailable',
      missing: [
        { sku: 'lid', requested: 2, available: 1 },
        { sku: 'unknown', requested: 1, available: 0 },
      ],
      replayed: false,
    });
    expect(await schema.available('cup')).toBe(5);
  });

  it('changes nothing for an order it has seen, whichever event carries it, and answers as the first time', async () => {
    await schema.stock({ mug: 4 });
    const first = order('r-3', [{ sku: 'mug', quantity: 3, priceCents: 500 }]);
    await reserveStock(schema.pool, first, 'e-3', 1_000);
    const again = await reserveStock(schema.pool, first, 'e-3-redelivered', 1_000);
    expect(again).toEqual({ orderId: 'r-3', status: 'reserved', missing: [], replayed: true });
    expect(await schema.available('mug')).toBe(1);
    const rows = await schema.pool.query('SELECT event_id FROM reservations WHERE order_id = $1', ['r-3']);
    expect(rows.rows).toEqual([{ event_id: 'e-3' }]);
  });

  it('takes the stock once when the same order arrives twice at the same moment', async () => {
    await schema.stock({ bowl: 10 });
    const same = order('r-4', [{ sku: 'bowl', quantity: 4, priceCents: 700 }]);
    const results = await Promise.all([
      reserveStock(schema.pool, same, 'e-4', 2_000),
      reserveStock(schema.pool, same, 'e-4', 2_000),
    ]);
    expect(results.map((r) => r.replayed).sort()).toEqual([false, true]);
    expect(await schema.available('bowl')).toBe(6);
  });

  it('gives up with StockBusyError after the lock timeout while another transaction holds the stock row', async () => {
    await schema.stock({ vase: 2 });
    const holder = await schema.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT available FROM stock WHERE sku = $1 FOR UPDATE', ['vase']);
      const error = await reserveStock(
        schema.pool,
        order('r-5', [{ sku: 'vase', quantity: 1, priceCents: 1 }]),
        'e-5',
        100,
      ).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StockBusyError);
      expect((error as Error).message).toContain('100 ms');
      await holder.query('ROLLBACK');
    } finally {
      holder.release();
    }
    // Nothing was recorded, so the retry reserves it.
    const retried = await reserveStock(
      schema.pool,
      order('r-5', [{ sku: 'vase', quantity: 1, priceCents: 1 }]),
      'e-5',
      100,
    );
    expect(retried).toMatchObject({ status: 'reserved', replayed: false });
    expect(await schema.available('vase')).toBe(1);
  });
});
