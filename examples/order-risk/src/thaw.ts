// The same risk check, started the thaw way: listen at once, connect to PostgreSQL and Redis in
// parallel as critical initializers (readiness waits for both, the port does not), load the
// CloudEvents SDK and OpenTelemetry only when they are needed, drain everything on SIGTERM.
import { cloudEvent, HttpError, init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { handleOrderCreated, UnsupportedEventError } from './handle-order.ts';
import { InvalidOrderError } from './order-event.ts';

const db = init(
  'postgres',
  () =>
    pools.pg('orders', {
      connectionString: process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test',
    }),
  { when: 'critical' },
);
const redis = init('redis', () => pools.redis('risk', process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'), {
  when: 'critical',
});

serve(
  cloudEvent(async (event) => {
    try {
      return await handleOrderCreated(event, await db(), await redis());
    } catch (error) {
      if (error instanceof InvalidOrderError || error instanceof UnsupportedEventError) {
        throw new HttpError(400, error.message, { cause: error });
      }
      throw error;
    }
  }),
);
