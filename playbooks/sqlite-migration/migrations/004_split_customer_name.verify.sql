SELECT count(*) = 0 FROM customers WHERE given_name || ' ' || family_name <> name;
