// Payment capture, started the thaw way: listen at once, Redis as a critical initializer
// (readiness waits for it), the CloudEvents SDK loaded when the first event needs it. The
// Trigger delivers inventory's InventoryReserved events; PaymentCaptured is published to the
// Broker through the SinkBinding's K_SINK rather than replied, so that a capture whose event
// could not be sent is answered 503 and delivered again: the capture replays (nothing is
// charged twice) and the event is published again, under the same id.
import { cloudEvent, HttpError, init, publish, serve, ThawError } from '@thaw/runtime';
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
    try {
      await publish({
        // One id per payment: a consumer that sees it twice (after a redelivery) can tell.
        id: `payment-${payment.paymentId}`,
        type: 'PaymentCaptured',
        source: '/functions/payment',
        subject: order.orderId,
        datacontenttype: 'application/json',
        data: payment,
      });
    } catch (error) {
      if (error instanceof ThawError && error.code === 'THAW_PUBLISH_FAILED') {
        throw new HttpError(
          503,
          `The payment of order ${order.orderId} is captured, but PaymentCaptured could not be published; deliver the event again. ${error.message}`,
          { cause: error },
        );
      }
      throw error;
    }
  }),
);
