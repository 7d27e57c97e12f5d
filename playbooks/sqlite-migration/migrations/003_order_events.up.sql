-- An append-only history of what happened to each order.
CREATE TABLE order_events (
    id         INTEGER PRIMARY KEY,
    order_id   INTEGER NOT NULL REFERENCES orders(id),
    kind       TEXT NOT NULL CHECK (kind IN ('placed', 'paid', 'shipped', 'refunded')),
    at         TEXT NOT NULL
);
INSERT INTO order_events (order_id, kind, at) SELECT id, 'placed', placed_at FROM orders;
