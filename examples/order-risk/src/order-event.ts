// The OrderCreated event's data, checked field by field: a malformed order is the sender's bug,
// and the reply must say which field is wrong rather than fail somewhere in the risk rules.

/** CloudEvents `type` of the events this function accepts and sends. */
export const orderCreatedType = 'OrderCreated';
export const orderRiskAssessedType = 'OrderRiskAssessed';

export interface OrderItem {
  readonly sku: string;
  readonly quantity: number;
  readonly priceCents: number;
}

export interface Order {
  readonly orderId: string;
  readonly customerId: string;
  readonly email: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly country: string;
  readonly items: readonly OrderItem[];
}

/** Thrown for event data that is not a valid order; `field` is the path of the first bad field. */
export class InvalidOrderError extends Error {
  readonly field: string;

  constructor(field: string, problem: string) {
    super(`Invalid OrderCreated data: ${field} ${problem}.`);
    this.name = 'InvalidOrderError';
    this.field = field;
  }
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOrderError(field, 'must be an object');
  }
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string, pattern: RegExp, shape: string): string {
  if (typeof value !== 'string' || !pattern.test(value))
    throw new InvalidOrderError(field, `must be ${shape}`);
  return value;
}

function count(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidOrderError(field, `must be an integer of at least ${min}`);
  }
  return value;
}

const id = /^[A-Za-z0-9_-]{1,64}$/;

/** Parses OrderCreated event data; throws {@link InvalidOrderError} naming the first bad field. */
export function parseOrder(data: unknown): Order {
  const body = record(data, 'data');
  const items = body['items'];
  if (!Array.isArray(items) || items.length === 0 || items.length > 100) {
    throw new InvalidOrderError('items', 'must be a list of 1 to 100 items');
  }
  const parsedItems = items.map((item: unknown, index) => {
    const fields = record(item, `items[${index}]`);
    return {
      sku: text(fields['sku'], `items[${index}].sku`, id, '1 to 64 letters, digits, _ or -'),
      quantity: count(fields['quantity'], `items[${index}].quantity`, 1),
      priceCents: count(fields['priceCents'], `items[${index}].priceCents`, 0),
    };
  });
  const order: Order = {
    orderId: text(body['orderId'], 'orderId', id, '1 to 64 letters, digits, _ or -'),
    customerId: text(body['customerId'], 'customerId', id, '1 to 64 letters, digits, _ or -'),
    email: text(body['email'], 'email', /^[^\s@]{1,64}@[^\s@]{1,255}$/, 'an email address'),
    amountCents: count(body['amountCents'], 'amountCents', 0),
    currency: text(body['currency'], 'currency', /^[A-Z]{3}$/, 'an ISO 4217 code such as "EUR"'),
    country: text(body['country'], 'country', /^[A-Z]{2}$/, 'an ISO 3166 alpha-2 code such as "DE"'),
    items: parsedItems,
  };
  const itemsTotal = parsedItems.reduce((sum, item) => sum + item.quantity * item.priceCents, 0);
  if (itemsTotal !== order.amountCents) {
    throw new InvalidOrderError('amountCents', `must equal the sum of the items (${itemsTotal})`);
  }
  return order;
}
