// The OrderRiskAssessed event this function consumes, checked field by field: a malformed event
// is answered 400, which the Broker does not retry (it goes to the dead-letter sink at once).

/** CloudEvents `type` and `source` of the risk check's result, as the Trigger filters them. */
export const orderRiskAssessedType = 'OrderRiskAssessed';
export const riskCheckSource = '/functions/order-risk';

export interface OrderLine {
  readonly sku: string;
  readonly quantity: number;
  readonly priceCents: number;
}

/** An order the risk check approved, with what reserving and paying for it needs. */
export interface ApprovedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly items: readonly OrderLine[];
}

/** Thrown for an event this function must not handle; the entry answers 400 with the message. */
export class RejectedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectedEventError';
  }
}

const id = /^[A-Za-z0-9_-]{1,64}$/;

function field(record: Record<string, unknown>, name: string, path = name): unknown {
  if (!(name in record)) throw new RejectedEventError(`Invalid OrderRiskAssessed data: ${path} is missing.`);
  return record[name];
}

function object(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new RejectedEventError(`Invalid OrderRiskAssessed data: ${path} must be an object.`);
  }
  return value as Record<string, unknown>;
}

function identifier(value: unknown, path: string): string {
  if (typeof value !== 'string' || !id.test(value)) {
    throw new RejectedEventError(
      `Invalid OrderRiskAssessed data: ${path} must be 1 to 64 letters, digits, _ or -.`,
    );
  }
  return value;
}

function count(value: unknown, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new RejectedEventError(
      `Invalid OrderRiskAssessed data: ${path} must be an integer of at least ${min}.`,
    );
  }
  return value;
}

/**
 * The approved order an OrderRiskAssessed event carries. Throws {@link RejectedEventError} for
 * another event type, a rejected order (the Trigger should never deliver one), or bad data.
 */
export function approvedOrder(event: { readonly type: string; readonly data?: unknown }): ApprovedOrder {
  if (event.type !== orderRiskAssessedType) {
    throw new RejectedEventError(
      `This function handles ${orderRiskAssessedType} events; received type "${event.type}".`,
    );
  }
  const data = object(event.data, 'data');
  const decision = field(data, 'decision');
  if (decision !== 'approved') {
    throw new RejectedEventError(
      `Only approved orders are reserved; this one is ${JSON.stringify(decision)}. Check that the Trigger filters riskdecision: approved.`,
    );
  }
  const order = object(field(data, 'order'), 'order');
  const items = field(order, 'items', 'order.items');
  if (!Array.isArray(items) || items.length === 0 || items.length > 100) {
    throw new RejectedEventError(
      'Invalid OrderRiskAssessed data: order.items must be a list of 1 to 100 items.',
    );
  }
  const currency = field(order, 'currency', 'order.currency');
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) {
    throw new RejectedEventError(
      'Invalid OrderRiskAssessed data: order.currency must be an ISO 4217 code such as "EUR".',
    );
  }
  return {
    orderId: identifier(field(data, 'orderId'), 'orderId'),
    customerId: identifier(field(data, 'customerId'), 'customerId'),
    amountCents: count(field(order, 'amountCents', 'order.amountCents'), 'order.amountCents', 0),
    currency,
    items: items.map((item: unknown, index) => {
      const line = object(item, `order.items[${index}]`);
      return {
        sku: identifier(field(line, 'sku', `order.items[${index}].sku`), `order.items[${index}].sku`),
        quantity: count(
          field(line, 'quantity', `order.items[${index}].quantity`),
          `order.items[${index}].quantity`,
          1,
        ),
        priceCents: count(
          field(line, 'priceCents', `order.items[${index}].priceCents`),
          `order.items[${index}].priceCents`,
          0,
        ),
      };
    }),
  };
}
