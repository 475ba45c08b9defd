-- Stock per SKU, and one reservation per order: the primary key on order_id is what makes a
-- redelivered event change nothing.
CREATE TABLE IF NOT EXISTS stock (
  sku        text PRIMARY KEY,
  available  integer NOT NULL CHECK (available >= 0)
);

CREATE TABLE IF NOT EXISTS reservations (
  order_id     text PRIMARY KEY,
  event_id     text NOT NULL,
  status       text NOT NULL CHECK (status IN ('reserved', 'unavailable')),
  items        jsonb NOT NULL,
  missing      jsonb NOT NULL DEFAULT '[]',
  reserved_at  timestamptz NOT NULL DEFAULT now()
);
