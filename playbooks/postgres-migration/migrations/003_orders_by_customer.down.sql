DROP INDEX IF EXISTS orders_by_customer;
