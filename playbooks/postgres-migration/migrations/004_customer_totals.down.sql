DROP TABLE IF EXISTS customer_totals;
