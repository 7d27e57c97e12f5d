-- A small shop: 1,000 customers and 5,000 orders, generated so every run starts from the same data.
-- It stands for the production database the migrations change: load it once, into an empty database.
BEGIN;
CREATE TABLE customers (
    id     bigint PRIMARY KEY,
    name   text NOT NULL,
    email  text NOT NULL UNIQUE
);
CREATE TABLE orders (
    id            bigint PRIMARY KEY,
    customer_id   bigint NOT NULL REFERENCES customers (id),
    amount_cents  integer NOT NULL CHECK (amount_cents > 0),
    placed_on     date NOT NULL
);
INSERT INTO customers (id, name, email)
SELECT i, 'Customer ' || i, 'customer' || i || '@example.com' FROM generate_series(1, 1000) AS i;
INSERT INTO orders (id, customer_id, amount_cents, placed_on)
SELECT i, 1 + (i * 7919) % 1000, 100 + (i * 104729) % 50000, date '2026-01-01' + i % 300
  FROM generate_series(1, 5000) AS i;
COMMIT;
