-- A small shop: 3,000 customers and 12,000 orders, generated so every run starts from the same data.
BEGIN;
CREATE TABLE customers (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    email      TEXT NOT NULL UNIQUE
);
CREATE TABLE orders (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    amount_cents INTEGER NOT NULL,
    placed_at    TEXT NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO customers (id, name, email)
SELECT i, 'Customer ' || i || ' Example', 'customer' || i || '@example.com' FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000)
INSERT INTO orders (id, customer_id, amount_cents, placed_at)
SELECT i, 1 + (i * 7919) % 3000, 100 + (i * 104729) % 50000,
       date('2026-01-01', '+' || (i % 300) || ' days') FROM n;
PRAGMA user_version = 0;
COMMIT;
