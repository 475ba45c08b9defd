// Inventory reservation, started the thaw way: listen at once, PostgreSQL as a critical
// initializer (readiness waits for it), the CloudEvents SDK loaded when the first event needs it.
// The Trigger delivers the risk check's approved orders; the reply goes back to the Broker.
import { cloudEvent, HttpError, init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { approvedOrder, RejectedEventError } from './approved-order.ts';
import { reserveStock, StockBusyError } from './reserve.ts';
import { inventoryReply } from './reply.ts';

const lockTimeoutMs = Number(process.env['INVENTORY_LOCK_TIMEOUT_MS'] ?? '1000');
if (!Number.isSafeInteger(lockTimeoutMs) || lockTimeoutMs < 1) {
  throw new Error(
    `INVENTORY_LOCK_TIMEOUT_MS must be a whole number of milliseconds ≥ 1; received "${process.env['INVENTORY_LOCK_TIMEOUT_MS']}".`,
  );
}

const db = init(
  'postgres',
  () =>
    pools.pg('inventory', {
      connectionString: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    }),
  { when: 'critical' },
);

serve(
  cloudEvent(async (event) => {
    try {
      const order = approvedOrder(event);
      return inventoryReply(order, await reserveStock(await db(), order, event.id, lockTimeoutMs));
    } catch (error) {
      // 400 is not retried: the event goes to the dead-letter sink. 503 is retried with backoff.
      if (error instanceof RejectedEventError) throw new HttpError(400, error.message, { cause: error });
      if (error instanceof StockBusyError) throw new HttpError(503, error.message, { cause: error });
      throw error;
    }
  }),
);
