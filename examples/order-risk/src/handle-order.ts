// One OrderCreated event in, one OrderRiskAssessed event out. Both entry points call this.
import { assessOrder, type Assessment, type CounterStore, type Queryable } from './assess.ts';
import { orderCreatedType, orderRiskAssessedType, parseOrder, type Order } from './order-event.ts';

/**
 * The reply's data: the assessment, and what the services downstream of an approval need of the
 * order (inventory reserves its items, payment captures its amount) so that they never read this
 * function's database.
 */
export type RiskAssessedData = Assessment & {
  readonly order: Pick<Order, 'amountCents' | 'currency' | 'items'>;
};

/** The attributes of the reply event; the entry point wraps them in a CloudEvent. */
export type ReplyEvent = {
  readonly type: typeof orderRiskAssessedType;
  readonly source: string;
  readonly subject: string;
  readonly datacontenttype: 'application/json';
  /**
   * Extension attribute with the decision, so that a Trigger can subscribe to approved (or
   * rejected) orders only: Trigger filters match attributes exactly, never the data.
   */
  readonly riskdecision: Assessment['decision'];
  readonly data: RiskAssessedData;
};

/** Thrown for an event this function does not handle; the entry point answers 400. */
export class UnsupportedEventError extends Error {
  constructor(type: string) {
    super(`This function handles ${orderCreatedType} events; received type "${type}".`);
    this.name = 'UnsupportedEventError';
  }
}

export const replySource = '/functions/order-risk';

export async function handleOrderCreated(
  event: { readonly type: string; readonly data?: unknown },
  db: Queryable,
  redis: CounterStore,
): Promise<ReplyEvent> {
  if (event.type !== orderCreatedType) throw new UnsupportedEventError(event.type);
  const order = parseOrder(event.data);
  const assessment = await assessOrder(order, db, redis);
  return {
    type: orderRiskAssessedType,
    source: replySource,
    subject: order.orderId,
    datacontenttype: 'application/json',
    riskdecision: assessment.decision,
    data: {
      ...assessment,
      order: { amountCents: order.amountCents, currency: order.currency, items: order.items },
    },
  };
}
