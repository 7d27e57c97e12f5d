-- Customers get a status, so support can suspend an account without deleting it.
ALTER TABLE customers
    ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended'));
