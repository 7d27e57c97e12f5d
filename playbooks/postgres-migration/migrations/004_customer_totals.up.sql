-- What each customer has ordered, kept in a table of its own so the account page need not sum orders;
-- filled from the orders there are.
CREATE TABLE customer_totals (
    customer_id   bigint PRIMARY KEY REFERENCES customers (id),
    order_count   integer NOT NULL,
    amount_cents  bigint NOT NULL
);
INSERT INTO customer_totals (customer_id, order_count, amount_cents)
SELECT c.id, count(o.id), coalesce(sum(o.amount_cents), 0)
  FROM customers c LEFT JOIN orders o ON o.customer_id = c.id
 GROUP BY c.id;
