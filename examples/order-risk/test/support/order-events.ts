// OrderCreated events as Knative Eventing delivers them over HTTP: binary mode (attributes in
// ce-* headers, data as the body) and structured mode (the whole event as JSON).

export interface OrderData {
  readonly orderId: string;
  readonly customerId: string;
  readonly email: string;
  readonly amountCents: number;
  readonly currency: string;
  readonly country: string;
  readonly items: readonly { sku: string; quantity: number; priceCents: number }[];
}

/** A valid order of `amountCents` in one line item. */
export function orderData(orderId: string, customerId: string, amountCents = 2_500): OrderData {
  return {
    orderId,
    customerId,
    email: `${customerId}@example.com`,
    amountCents,
    currency: 'EUR',
    country: 'DE',
    items: [{ sku: 'book', quantity: 1, priceCents: amountCents }],
  };
}

/** Method, headers and body of an event delivered in binary mode. */
export function binaryEvent(
  data: unknown,
  options: { id?: string; type?: string } = {},
): { method: 'POST'; headers: Record<string, string>; body: string } {
  return {
    method: 'POST',
    headers: {
      'ce-specversion': '1.0',
      'ce-id': options.id ?? `evt-${Math.random().toString(36).slice(2)}`,
      'ce-source': '/shop/checkout',
      'ce-type': options.type ?? 'OrderCreated',
      'content-type': 'application/json',
    },
    body: JSON.stringify(data),
  };
}

/** Method, headers and body of an event delivered in structured mode. */
export function structuredEvent(
  data: unknown,
  options: { id?: string; type?: string } = {},
): { method: 'POST'; headers: Record<string, string>; body: string } {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify({
      specversion: '1.0',
      id: options.id ?? `evt-${Math.random().toString(36).slice(2)}`,
      source: '/shop/checkout',
      type: options.type ?? 'OrderCreated',
      datacontenttype: 'application/json',
      data,
    }),
  };
}
