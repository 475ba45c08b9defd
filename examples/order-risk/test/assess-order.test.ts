import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assessOrder, redisKeys } from '../src/assess.ts';
import { migrate } from '../src/migrate.ts';
import { parseOrder, type Order } from '../src/order-event.ts';

const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const schema = `order_risk_test_${process.pid}`;
const prefix = `test:${process.pid}:`;

function order(overrides: Partial<Order> & { orderId: string }): Order {
  const amountCents = overrides.amountCents ?? 2_500;
  return parseOrder({
    customerId: 'c-1',
    email: 'ada@example.com',
    currency: 'EUR',
    country: 'DE',
    items: [{ sku: 'book', quantity: 1, priceCents: amountCents }],
    ...overrides,
    amountCents,
  });
}

describe('assessOrder against PostgreSQL and Redis', () => {
  const admin = new pg.Client({ connectionString: databaseUrl });
  let pool: pg.Pool;
  let redis: Redis;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    pool = new pg.Pool({ connectionString: databaseUrl, options: `-c search_path=${schema}`, max: 4 });
    const client = await pool.connect();
    try {
      expect(await migrate(client)).toEqual(['001_risk_schema.sql']);
      expect(await migrate(client)).toEqual([]);
    } finally {
      client.release();
    }
    redis = new Redis(redisUrl, { keyPrefix: prefix, lazyConnect: true });
    await redis.connect();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
    await redis.quit();
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  });

  beforeEach(async () => {
    await pool.query('TRUNCATE orders, customers');
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys.map((key) => key.slice(prefix.length)));
  });

  it('approves an ordinary order and records it', async () => {
    const result = await assessOrder(order({ orderId: 'o-1' }), pool, redis);
    expect(result).toEqual({
      orderId: 'o-1',
      customerId: 'c-1',
      decision: 'approved',
      reasons: [],
      replayed: false,
    });
    const rows = await pool.query('SELECT decision, amount_cents FROM orders WHERE id = $1', ['o-1']);
    expect(rows.rows).toEqual([{ decision: 'approved', amount_cents: '2500' }]);
  });

  it('returns the stored decision for a redelivered order without counting it twice', async () => {
    await assessOrder(order({ orderId: 'o-1' }), pool, redis);
    const again = await assessOrder(order({ orderId: 'o-1' }), pool, redis);
    expect(again.replayed).toBe(true);
    expect(again.decision).toBe('approved');
    expect(await redis.get(redisKeys.velocity('c-1'))).toBe('1');
  });

  it('rejects a blocklisted customer and a blocklisted email domain', async () => {
    await redis.sadd(redisKeys.blockedCustomers, 'c-bad');
    await redis.sadd(redisKeys.blockedDomains, 'spam.example');
    expect((await assessOrder(order({ orderId: 'o-1', customerId: 'c-bad' }), pool, redis)).reasons).toEqual([
      'blocklisted',
    ]);
    expect(
      (await assessOrder(order({ orderId: 'o-2', email: 'x@SPAM.example' }), pool, redis)).reasons,
    ).toEqual(['blocklisted']);
  });

  it('rejects the order past the velocity limit within the window', async () => {
    const decisions = [];
    for (let i = 1; i <= 6; i++)
      decisions.push((await assessOrder(order({ orderId: `o-${i}` }), pool, redis)).decision);
    expect(decisions).toEqual(['approved', 'approved', 'approved', 'approved', 'approved', 'rejected']);
    expect(await redis.ttl(redisKeys.velocity('c-1'))).toBeGreaterThan(0);
  });

  it('rejects a large first order and a customer with chargebacks', async () => {
    expect((await assessOrder(order({ orderId: 'o-1', amountCents: 90_000 }), pool, redis)).reasons).toEqual([
      'new-customer-high-amount',
    ]);
    await pool.query("INSERT INTO customers (id, email, chargebacks) VALUES ('c-2', 'b@example.com', 3)");
    await pool.query(
      "INSERT INTO orders (id, customer_id, amount_cents, currency, country, decision) VALUES ('old', 'c-2', 100, 'EUR', 'DE', 'approved')",
    );
    expect((await assessOrder(order({ orderId: 'o-2', customerId: 'c-2' }), pool, redis)).reasons).toEqual([
      'chargebacks',
    ]);
  });

  it('rejects an amount far above the customer’s average once there is history', async () => {
    await pool.query("INSERT INTO customers (id, email) VALUES ('c-3', 'c@example.com')");
    for (let i = 0; i < 3; i++) {
      await pool.query(
        "INSERT INTO orders (id, customer_id, amount_cents, currency, country, decision) VALUES ($1, 'c-3', 1000, 'EUR', 'DE', 'approved')",
        [`h-${i}`],
      );
    }
    expect(
      (await assessOrder(order({ orderId: 'o-1', customerId: 'c-3', amountCents: 9_000 }), pool, redis))
        .decision,
    ).toBe('approved');
    expect(
      (await assessOrder(order({ orderId: 'o-2', customerId: 'c-3', amountCents: 40_000 }), pool, redis))
        .reasons,
    ).toEqual(['amount-anomaly']);
  });
});
