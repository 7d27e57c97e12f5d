SELECT (SELECT count(*) FROM customer_totals) = (SELECT count(*) FROM customers)
   AND (SELECT sum(amount_cents) FROM customer_totals) = (SELECT sum(amount_cents) FROM orders);
