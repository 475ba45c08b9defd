// Capturing an order's payment, once per order. One Lua script records the payment with SET NX
// and adds its amount to the captured total in the same step, so neither a redelivered event nor
// a crash between two commands can count a payment twice or record it without its amount.
import { randomUUID } from 'node:crypto';
import type { ReservedOrder } from './reserved-order.ts';

/** The part of an ioredis client the capture uses. */
export interface ScriptRunner {
  eval(script: string, numberOfKeys: number, ...args: Array<string | number>): Promise<unknown>;
}

/** A captured payment, as stored. */
export interface Payment {
  readonly paymentId: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** The id of the event that captured it. */
  readonly eventId: string;
  readonly capturedAt: string;
}

/** Redis keys of the payments, under a prefix (a test run or a tenant gets its own). */
export function paymentKeys(prefix: string): { payment: (orderId: string) => string; captured: string } {
  return { payment: (orderId) => `${prefix}payment:${orderId}`, captured: `${prefix}payments:captured` };
}

// KEYS[1] the payment, KEYS[2] the totals hash; ARGV: payment JSON, currency, amount. Answers
// the payment stored under KEYS[1] and 1 when this call stored it, 0 when it was there already.
const captureScript = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('HINCRBY', KEYS[2], ARGV[2], ARGV[3])
  return {ARGV[1], 1}
end
return {redis.call('GET', KEYS[1]), 0}
`;

/** Captures the order's payment, or returns the one captured before with `replayed: true`. */
export async function capturePayment(
  redis: ScriptRunner,
  order: ReservedOrder,
  eventId: string,
  prefix: string,
): Promise<Payment & { readonly replayed: boolean }> {
  const keys = paymentKeys(prefix);
  const payment: Payment = {
    paymentId: randomUUID(),
    orderId: order.orderId,
    customerId: order.customerId,
    amountCents: order.amountCents,
    currency: order.currency,
    eventId,
    capturedAt: new Date().toISOString(),
  };
  const [stored, created] = (await redis.eval(
    captureScript,
    2,
    keys.payment(order.orderId),
    keys.captured,
    JSON.stringify(payment),
    order.currency,
    order.amountCents,
  )) as [string, number];
  return { ...(JSON.parse(stored) as Payment), replayed: created === 0 };
}
