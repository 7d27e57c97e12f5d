SELECT (SELECT count(*) FROM order_events WHERE kind = 'placed') = (SELECT count(*) FROM orders);
