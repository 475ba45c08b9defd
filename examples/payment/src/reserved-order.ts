// The InventoryReserved event this function consumes, checked: a malformed one is answered 400,
// which the Broker does not retry (it goes to the dead-letter sink at once).

export const inventoryReservedType = 'InventoryReserved';

/** A reserved order, as far as paying for it goes. */
export interface ReservedOrder {
  readonly orderId: string;
  readonly customerId: string;
  readonly amountCents: number;
  readonly currency: string;
}

/** Thrown for an event this function must not handle; the entry answers 400 with the message. */
export class RejectedEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RejectedEventError';
  }
}

const checks: Record<keyof ReservedOrder, { test: (value: unknown) => boolean; shape: string }> = {
  orderId: {
    test: (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v),
    shape: '1 to 64 letters, digits, _ or -',
  },
  customerId: {
    test: (v) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v),
    shape: '1 to 64 letters, digits, _ or -',
  },
  amountCents: {
    test: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0,
    shape: 'an integer of at least 0',
  },
  currency: {
    test: (v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v),
    shape: 'an ISO 4217 code such as "EUR"',
  },
};

/** The order an InventoryReserved event carries; throws {@link RejectedEventError} naming the first bad field. */
export function reservedOrder(event: { readonly type: string; readonly data?: unknown }): ReservedOrder {
  if (event.type !== inventoryReservedType) {
    throw new RejectedEventError(
      `This function handles ${inventoryReservedType} events; received type "${event.type}".`,
    );
  }
  const data = event.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new RejectedEventError('Invalid InventoryReserved data: data must be an object.');
  }
  const record = data as Record<string, unknown>;
  for (const [name, check] of Object.entries(checks)) {
    if (!check.test(record[name])) {
      throw new RejectedEventError(`Invalid InventoryReserved data: ${name} must be ${check.shape}.`);
    }
  }
  return {
    orderId: record['orderId'] as string,
    customerId: record['customerId'] as string,
    amountCents: record['amountCents'] as number,
    currency: record['currency'] as string,
  };
}
