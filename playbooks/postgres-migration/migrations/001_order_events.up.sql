-- An append-only history of what happens to each order.
CREATE TABLE order_events (
    id        bigserial PRIMARY KEY,
    order_id  bigint NOT NULL REFERENCES orders (id),
    kind      text NOT NULL CHECK (kind IN ('placed', 'paid', 'shipped', 'refunded')),
    at        timestamptz NOT NULL DEFAULT now()
);
