// Reserving an order's stock, once per order. The reservation row is inserted first, in the same
// transaction as the stock updates: a second delivery of the same order (a redelivery, or the
// same event handled twice at once) waits on that row's primary key and then finds it, so it
// changes nothing and answers as the first did.
import type { Pool, PoolClient } from 'pg';
import type { ApprovedOrder, OrderLine } from './approved-order.ts';

/** A SKU the order wants more of than is available. */
export interface Shortage {
  readonly sku: string;
  readonly requested: number;
  readonly available: number;
}

/** How reserving an order ended. */
export interface Reservation {
  readonly orderId: string;
  readonly status: 'reserved' | 'unavailable';
  readonly missing: readonly Shortage[];
  /** True when this order was handled before: the stored outcome is returned, nothing changed. */
  readonly replayed: boolean;
}

/** Thrown when the stock rows stay locked longer than the lock timeout: a retry will do. */
export class StockBusyError extends Error {
  constructor(lockTimeoutMs: number, options: { cause: unknown }) {
    super(
      `The stock rows of this order stayed locked by another transaction for ${lockTimeoutMs} ms; nothing was reserved. Deliver the event again.`,
      options,
    );
    this.name = 'StockBusyError';
  }
}

/** PostgreSQL's lock_not_available, raised when lock_timeout expires. */
const lockNotAvailable = '55P03';

/**
 * Reserves the order's items, all or nothing: every SKU must have enough stock, or the order is
 * recorded as `unavailable` with its shortages and the stock is left as it was.
 */
export async function reserveStock(
  db: Pick<Pool, 'connect'>,
  order: ApprovedOrder,
  eventId: string,
  lockTimeoutMs: number,
): Promise<Reservation> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.trunc(lockTimeoutMs))}`);
    const inserted = await client.query(
      `INSERT INTO reservations (order_id, event_id, status, items) VALUES ($1, $2, 'reserved', $3)
       ON CONFLICT (order_id) DO NOTHING RETURNING order_id`,
      [order.orderId, eventId, JSON.stringify(order.items)],
    );
    if (inserted.rowCount === 0) {
      await client.query('ROLLBACK');
      return await storedReservation(client, order.orderId);
    }
    const missing = await takeStock(client, order.items);
    if (missing.length > 0) {
      await client.query(`UPDATE reservations SET status = 'unavailable', missing = $2 WHERE order_id = $1`, [
        order.orderId,
        JSON.stringify(missing),
      ]);
    }
    await client.query('COMMIT');
    return {
      orderId: order.orderId,
      status: missing.length === 0 ? 'reserved' : 'unavailable',
      missing,
      replayed: false,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((error as { code?: unknown }).code === lockNotAvailable)
      throw new StockBusyError(lockTimeoutMs, { cause: error });
    throw error;
  } finally {
    client.release();
  }
}

// Locks the order's stock rows in SKU order (two orders never wait on each other in a cycle),
// and takes the quantities only when every SKU has enough.
async function takeStock(client: PoolClient, items: readonly OrderLine[]): Promise<Shortage[]> {
  const wanted = new Map<string, number>();
  for (const item of items) wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);
  const skus = [...wanted.keys()].sort();
  const rows = await client.query<{ sku: string; available: number }>(
    'SELECT sku, available FROM stock WHERE sku = ANY($1) ORDER BY sku FOR UPDATE',
    [skus],
  );
  const available = new Map(rows.rows.map((row) => [row.sku, row.available]));
  const missing = skus
    .map((sku) => ({ sku, requested: wanted.get(sku) ?? 0, available: available.get(sku) ?? 0 }))
    .filter((line) => line.available < line.requested);
  if (missing.length > 0) return missing;
  for (const sku of skus) {
    await client.query('UPDATE stock SET available = available - $2 WHERE sku = $1', [sku, wanted.get(sku)]);
  }
  return [];
}

async function storedReservation(client: PoolClient, orderId: string): Promise<Reservation> {
  const stored = await client.query<{ status: 'reserved' | 'unavailable'; missing: Shortage[] }>(
    'SELECT status, missing FROM reservations WHERE order_id = $1',
    [orderId],
  );
  const row = stored.rows[0];
  if (row === undefined) throw new Error(`The reservation of order ${orderId} vanished while it was read.`);
  return { orderId, status: row.status, missing: row.missing, replayed: true };
}
