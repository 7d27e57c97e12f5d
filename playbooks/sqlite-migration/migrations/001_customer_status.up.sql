-- Customers get a status, so support can suspend an account without deleting it.
ALTER TABLE customers ADD COLUMN status TEXT NOT NULL DEFAULT 'active';
