import { describe, expect, it } from 'vitest';
import { InvalidOrderError, parseOrder } from '../src/order-event.ts';

const valid = {
  orderId: 'o-1',
  customerId: 'c-1',
  email: 'ada@example.com',
  amountCents: 3_000,
  currency: 'EUR',
  country: 'DE',
  items: [
    { sku: 'book', quantity: 2, priceCents: 1_000 },
    { sku: 'pen', quantity: 1, priceCents: 1_000 },
  ],
};

function fieldOf(data: unknown): string {
  try {
    parseOrder(data);
  } catch (error) {
    if (error instanceof InvalidOrderError) return error.field;
    throw error;
  }
  throw new Error('parseOrder accepted invalid data');
}

describe('parseOrder', () => {
  it('accepts a well-formed order', () => {
    expect(parseOrder(valid).items).toHaveLength(2);
  });

  it('names the first field that is wrong', () => {
    expect(fieldOf(null)).toBe('data');
    expect(fieldOf({ ...valid, orderId: '' })).toBe('orderId');
    expect(fieldOf({ ...valid, currency: 'eur' })).toBe('currency');
    expect(fieldOf({ ...valid, items: [] })).toBe('items');
    expect(fieldOf({ ...valid, items: [{ sku: 'x', quantity: 0, priceCents: 1 }] })).toBe(
      'items[0].quantity',
    );
    expect(fieldOf({ ...valid, amountCents: 2_999 })).toBe('amountCents');
  });
});
