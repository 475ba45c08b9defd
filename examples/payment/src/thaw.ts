// Payment capture, started the thaw way: listen at once, Redis as a critical initializer
// (readiness waits for it), the CloudEvents SDK loaded when the first event needs it. The
// Trigger delivers inventory's InventoryReserved events; the reply goes back to the Broker.
import { cloudEvent, HttpError, init, serve } from '@thaw/runtime';
import { pools } from '@thaw/runtime/pools';
import { capturePayment } from './capture.ts';
import { RejectedEventError, reservedOrder } from './reserved-order.ts';

const prefix = process.env['PAYMENT_KEY_PREFIX'] ?? '';
const redis = init(
  'redis',
  () => pools.redis('payments', process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379'),
  {
    when: 'critical',
  },
);

serve(
  cloudEvent(async (event) => {
    let order;
    try {
      order = reservedOrder(event);
    } catch (error) {
      // 400 is not retried: the event goes to the dead-letter sink.
      if (error instanceof RejectedEventError) throw new HttpError(400, error.message, { cause: error });
      throw error;
    }
    const payment = await capturePayment(await redis(), order, event.id, prefix);
    return {
      type: 'PaymentCaptured',
      source: '/functions/payment',
      subject: order.orderId,
      datacontenttype: 'application/json',
      data: payment,
    };
  }),
);
