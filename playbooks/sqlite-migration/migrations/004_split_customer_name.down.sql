ALTER TABLE customers DROP COLUMN family_name;
ALTER TABLE customers DROP COLUMN given_name;
