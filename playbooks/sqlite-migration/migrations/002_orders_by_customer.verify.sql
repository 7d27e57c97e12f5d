SELECT count(*) = 1 FROM sqlite_schema WHERE type = 'index' AND name = 'orders_by_customer';
