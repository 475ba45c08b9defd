-- Customers and their order history, as the risk check reads them.
CREATE TABLE IF NOT EXISTS customers (
  id           text PRIMARY KEY,
  email        text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  chargebacks  integer NOT NULL DEFAULT 0 CHECK (chargebacks >= 0)
);

CREATE TABLE IF NOT EXISTS orders (
  id            text PRIMARY KEY,
  customer_id   text NOT NULL,
  amount_cents  bigint NOT NULL CHECK (amount_cents >= 0),
  currency      char(3) NOT NULL,
  country       char(2) NOT NULL,
  decision      text NOT NULL CHECK (decision IN ('approved', 'rejected')),
  reasons       text[] NOT NULL DEFAULT '{}',
  assessed_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS orders_customer_assessed ON orders (customer_id, assessed_at DESC);
