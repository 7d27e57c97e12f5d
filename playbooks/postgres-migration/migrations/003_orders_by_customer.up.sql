-- The "orders of a customer" page scans the whole table without this index.
CREATE INDEX orders_by_customer ON orders (customer_id, placed_on);
