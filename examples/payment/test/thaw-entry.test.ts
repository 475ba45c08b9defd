import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startFunction, type FunctionProcess } from '../../../test/support/function-process.ts';
import { paymentKeys } from '../src/capture.ts';

const entry = join(import.meta.dirname, '..', 'src', 'thaw.ts');
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const prefix = `test:payment:${process.pid}:`;
const keys = paymentKeys(prefix);

function reservedEvent(orderId: string, amountCents: number, id = `inv-${orderId}`, data?: unknown) {
  return {
    method: 'POST',
    headers: {
      'ce-specversion': '1.0',
      'ce-id': id,
      'ce-source': '/functions/inventory',
      'ce-type': 'InventoryReserved',
      'ce-subject': orderId,
      'content-type': 'application/json',
    },
    body: JSON.stringify(
      data ?? {
        orderId,
        customerId: 'c-42',
        amountCents,
        currency: 'EUR',
        items: [{ sku: 'book', quantity: 1, priceCents: amountCents }],
        replayed: false,
      },
    ),
  };
}

describe('the payment function in its own process', () => {
  let redis: Redis;
  let fn: FunctionProcess;

  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    fn = await startFunction([entry], { env: { REDIS_URL: redisUrl, PAYMENT_KEY_PREFIX: prefix } });
  });

  afterAll(async () => {
    await fn.stop();
    const stored = await redis.keys(`${prefix}*`);
    if (stored.length > 0) await redis.del(...stored);
    await redis.quit();
  });

  it('captures a reserved order’s payment, stores it and adds it to the captured total', async () => {
    const answer = await send(fn.port, reservedEvent('o-1', 2_500));
    expect(answer.status).toBe(200);
    expect(answer.headers['ce-type']).toBe('PaymentCaptured');
    expect(answer.headers['ce-source']).toBe('/functions/payment');
    expect(answer.headers['ce-subject']).toBe('o-1');
    const payment = JSON.parse(answer.body) as Record<string, unknown>;
    expect(payment).toMatchObject({
      orderId: 'o-1',
      customerId: 'c-42',
      amountCents: 2_500,
      currency: 'EUR',
      eventId: 'inv-o-1',
      replayed: false,
    });
    expect(payment['paymentId']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse((await redis.get(keys.payment('o-1')))!)).toMatchObject({
      paymentId: payment['paymentId'],
    });
    expect(await redis.hget(keys.captured, 'EUR')).toBe('2500');
  });

  it('answers a redelivered order with the stored payment and captures nothing more', async () => {
    const first = JSON.parse((await send(fn.port, reservedEvent('o-2', 1_000))).body) as Record<
      string,
      unknown
    >;
    const again = await send(fn.port, reservedEvent('o-2', 1_000, 'inv-o-2-replayed'));
    expect(again.status).toBe(200);
    expect(JSON.parse(again.body)).toEqual({ ...first, replayed: true });
    expect(await redis.hget(keys.captured, 'EUR')).toBe('3500');
  });

  it('captures the payment once when the same order arrives many times at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send(fn.port, reservedEvent('o-3', 100))),
    );
    const replayed = answers.map((answer) => (JSON.parse(answer.body) as { replayed: boolean }).replayed);
    expect(replayed.filter((r) => !r)).toHaveLength(1);
    expect(await redis.hget(keys.captured, 'EUR')).toBe('3600');
  });

  it('answers 400, which the Broker does not retry, naming the bad field, and captures nothing', async () => {
    const bad = await send(
      fn.port,
      reservedEvent('o-4', 1, 'inv-o-4', {
        orderId: 'o-4',
        customerId: 'c-42',
        amountCents: -5,
        currency: 'EUR',
      }),
    );
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({
      message: 'Invalid InventoryReserved data: amountCents must be an integer of at least 0.',
    });
    expect(await redis.exists(keys.payment('o-4'))).toBe(0);
    expect(await redis.hget(keys.captured, 'EUR')).toBe('3600');
  });
});
