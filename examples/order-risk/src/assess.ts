// The risk check itself, shared by both entry points: what the function does is the same in
// the eager and the thaw variant, only how it starts differs.
import type { Order } from './order-event.ts';
import { resolveRiskPolicy, type RiskPolicy } from './risk-policy.ts';

/** The part of `pg.Pool` the check uses. */
export interface Queryable {
  // The row type is the caller's promise about its own SQL, as in pg's own typings.
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  query<Row>(text: string, values?: readonly unknown[]): Promise<{ rows: Row[] }>;
}

/** The part of an ioredis client the check uses. */
export interface CounterStore {
  incr(key: string): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  sismember(key: string, member: string): Promise<number>;
}

export type RiskReason =
  'blocklisted' | 'velocity' | 'chargebacks' | 'new-customer-high-amount' | 'amount-anomaly';

export interface Assessment {
  readonly orderId: string;
  readonly customerId: string;
  readonly decision: 'approved' | 'rejected';
  readonly reasons: readonly RiskReason[];
  /** True when this order was assessed before (a redelivered event): the stored answer is returned. */
  readonly replayed: boolean;
}

/** Redis keys the check reads and writes. */
export const redisKeys = {
  blockedCustomers: 'risk:blocklist:customers',
  blockedDomains: 'risk:blocklist:domains',
  velocity: (customerId: string) => `risk:velocity:${customerId}`,
} as const;

interface HistoryRow {
  chargebacks: number;
  order_count: string;
  avg_cents: string | null;
}

/**
 * Assesses one order against the customer's history (PostgreSQL) and live counters and
 * blocklists (Redis), and records the decision. Assessing the same order id again returns the
 * stored decision without counting the order twice.
 */
export async function assessOrder(
  order: Order,
  db: Queryable,
  redis: CounterStore,
  policy: RiskPolicy = {},
): Promise<Assessment> {
  const rules = resolveRiskPolicy(policy);
  const previous = await db.query<{ decision: 'approved' | 'rejected'; reasons: RiskReason[] }>(
    'SELECT decision, reasons FROM orders WHERE id = $1',
    [order.orderId],
  );
  const stored = previous.rows[0];
  if (stored !== undefined) {
    return {
      orderId: order.orderId,
      customerId: order.customerId,
      decision: stored.decision,
      reasons: stored.reasons,
      replayed: true,
    };
  }

  const domain = order.email.slice(order.email.lastIndexOf('@') + 1).toLowerCase();
  const velocityKey = redisKeys.velocity(order.customerId);
  const [history, blockedCustomer, blockedDomain, recentOrders] = await Promise.all([
    db.query<HistoryRow>(
      `SELECT c.chargebacks,
              (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS order_count,
              (SELECT avg(t.amount_cents) FROM (SELECT amount_cents FROM orders o
                 WHERE o.customer_id = c.id ORDER BY assessed_at DESC LIMIT 20) t) AS avg_cents
         FROM customers c WHERE c.id = $1`,
      [order.customerId],
    ),
    redis.sismember(redisKeys.blockedCustomers, order.customerId),
    redis.sismember(redisKeys.blockedDomains, domain),
    redis.incr(velocityKey),
  ]);
  if (recentOrders === 1) await redis.expire(velocityKey, rules.velocityWindowSeconds);

  const reasons: RiskReason[] = [];
  if (blockedCustomer === 1 || blockedDomain === 1) reasons.push('blocklisted');
  if (recentOrders > rules.maxOrdersPerWindow) reasons.push('velocity');
  const customer = history.rows[0];
  if (customer === undefined || Number(customer.order_count) === 0) {
    if (order.amountCents > rules.newCustomerLimitCents) reasons.push('new-customer-high-amount');
  } else {
    if (customer.chargebacks >= rules.maxChargebacks) reasons.push('chargebacks');
    const average = Number(customer.avg_cents ?? 0);
    if (
      Number(customer.order_count) >= rules.anomalyMinOrders &&
      order.amountCents > average * rules.anomalyFactor
    ) {
      reasons.push('amount-anomaly');
    }
  }
  const decision = reasons.length === 0 ? 'approved' : 'rejected';

  const inserted = await db.query<{ id: string }>(
    `INSERT INTO orders (id, customer_id, amount_cents, currency, country, decision, reasons)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [order.orderId, order.customerId, order.amountCents, order.currency, order.country, decision, reasons],
  );
  if (inserted.rows.length === 0) {
    // Another delivery of the same event won the race; answer as it did.
    return assessOrder(order, db, redis, policy);
  }
  return { orderId: order.orderId, customerId: order.customerId, decision, reasons, replayed: false };
}
