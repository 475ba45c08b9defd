import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** Where K_SINK points: keeps what it accepts, answering `status`. */
const sink = { status: 202, received: [] as Array<{ headers: IncomingHttpHeaders; body: string }> };
const published = (orderId: string) =>
  sink.received.filter((event) => event.headers['ce-subject'] === orderId);
const replayedFlags = (orderId: string): boolean[] =>
  published(orderId).map((event) => (JSON.parse(event.body) as { replayed: boolean }).replayed);

describe('the payment function in its own process', () => {
  let redis: Redis;
  let fn: FunctionProcess;
  let server: Server;

  beforeAll(async () => {
    redis = new Redis(redisUrl, { lazyConnect: true });
    await redis.connect();
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        if (sink.status < 300) sink.received.push({ headers: req.headers, body });
        res.writeHead(sink.status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const kSink = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    fn = await startFunction([entry], {
      env: { REDIS_URL: redisUrl, PAYMENT_KEY_PREFIX: prefix, K_SINK: kSink },
    });
  });

  afterAll(async () => {
    await fn.stop();
    server.closeAllConnections();
    await new Promise<void>((resolve) =>
      server.close(() => {
        resolve();
      }),
    );
    const stored = await redis.keys(`${prefix}*`);
    if (stored.length > 0) await redis.del(...stored);
    await redis.quit();
  });

  it('captures a reserved order’s payment, adds it to the captured total and publishes PaymentCaptured to K_SINK', async () => {
    const answer = await send(fn.port, reservedEvent('o-1', 2_500));
    expect(answer.status).toBe(204);
    const [event] = published('o-1');
    expect(event?.headers['ce-type']).toBe('PaymentCaptured');
    expect(event?.headers['ce-source']).toBe('/functions/payment');
    const payment = JSON.parse(event!.body) as Record<string, unknown>;
    expect(event?.headers['ce-id']).toBe(`payment-${payment['paymentId'] as string}`);
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

  it('publishes the stored payment again, under the same id, for a redelivered order, and captures nothing more', async () => {
    expect((await send(fn.port, reservedEvent('o-2', 1_000))).status).toBe(204);
    expect((await send(fn.port, reservedEvent('o-2', 1_000, 'inv-o-2-again'))).status).toBe(204);
    const [first, again] = published('o-2');
    expect(again?.headers['ce-id']).toBe(first?.headers['ce-id']);
    expect(JSON.parse(again!.body)).toEqual({ ...(JSON.parse(first!.body) as object), replayed: true });
    expect(await redis.hget(keys.captured, 'EUR')).toBe('3500');
  });

  it('captures the payment once when the same order arrives many times at once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => send(fn.port, reservedEvent('o-3', 100))),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array<number>(8).fill(204));
    expect(replayedFlags('o-3').filter((replayed) => !replayed)).toHaveLength(1);
    expect(await redis.hget(keys.captured, 'EUR')).toBe('3600');
  });

  it('answers 503 when the sink refuses PaymentCaptured, so that the Broker delivers again, which publishes it', async () => {
    sink.status = 503;
    try {
      const refused = await send(fn.port, reservedEvent('o-5', 400));
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toMatchObject({
        message: expect.stringContaining('deliver the event again') as unknown,
      });
    } finally {
      sink.status = 202;
    }
    expect(published('o-5')).toEqual([]);
    expect((await send(fn.port, reservedEvent('o-5', 400))).status).toBe(204);
    expect(replayedFlags('o-5')).toEqual([true]);
    expect(await redis.hget(keys.captured, 'EUR')).toBe('4000');
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
    expect(published('o-4')).toEqual([]);
  });
});
