SELECT count(*) = (SELECT count(*) FROM customers) FROM customers WHERE status = 'active';
