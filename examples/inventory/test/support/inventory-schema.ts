import pg from 'pg';
import { migrate } from '../../src/migrate.ts';

export const databaseUrl = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A PostgreSQL schema of its own for one test run, migrated, with a `DATABASE_URL` that uses it. */
export interface InventorySchema {
  readonly name: string;
  /** `DATABASE_URL` whose sessions have `search_path` set to this schema. */
  readonly url: string;
  readonly pool: pg.Pool;
  /** Sets the stock of each SKU. */
  stock(levels: Record<string, number>): Promise<void>;
  available(sku: string): Promise<number | undefined>;
  drop(): Promise<void>;
}

/** Creates schema `name`, applies the migrations as `npm run migrate` does, and opens a pool on it. */
export async function createInventorySchema(name: string): Promise<InventorySchema> {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  try {
    await admin.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    await admin.query(`CREATE SCHEMA ${name}`);
  } finally {
    await admin.end();
  }
  const parsed = new URL(databaseUrl);
  parsed.searchParams.set('options', `-c search_path=${name}`);
  const url = parsed.toString();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(client);
  } finally {
    await client.end();
  }
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  return {
    name,
    url,
    pool,
    async stock(levels) {
      for (const [sku, available] of Object.entries(levels)) {
        await pool.query(
          'INSERT INTO stock (sku, available) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET available = $2',
          [sku, available],
        );
      }
    },
    async available(sku) {
      const rows = await pool.query<{ available: number }>('SELECT available FROM stock WHERE sku = $1', [
        sku,
      ]);
      return rows.rows[0]?.available;
    },
    async drop() {
      await pool.query(`DROP SCHEMA ${name} CASCADE`);
      await pool.end();
    },
  };
}

/** Method, headers and body of an OrderRiskAssessed event as the Broker delivers it in binary mode. */
export function riskAssessedEvent(
  orderId: string,
  items: ReadonlyArray<{ sku: string; quantity: number; priceCents: number }>,
  options: { id?: string; decision?: 'approved' | 'rejected'; data?: unknown } = {},
): { method: 'POST'; headers: Record<string, string>; body: string } {
  const decision = options.decision ?? 'approved';
  const amountCents = items.reduce((sum, item) => sum + item.quantity * item.priceCents, 0);
  return {
    method: 'POST',
    headers: {
      'ce-specversion': '1.0',
      'ce-id': options.id ?? `risk-${orderId}`,
      'ce-source': '/functions/order-risk',
      'ce-type': 'OrderRiskAssessed',
      'ce-subject': orderId,
      'ce-riskdecision': decision,
      'content-type': 'application/json',
    },
    body: JSON.stringify(
      options.data ?? {
        orderId,
        customerId: 'c-42',
        decision,
        reasons: [],
        replayed: false,
        order: { amountCents, currency: 'EUR', items },
      },
    ),
  };
}
