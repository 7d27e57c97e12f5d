-- Invoices need the family name on its own.
ALTER TABLE customers ADD COLUMN given_name TEXT;
ALTER TABLE customers ADD COLUMN family_name TEXT;
UPDATE customers
   SET given_name  = substr(name, 1, instr(name, ' ') - 1),
       family_name = substr(name, instr(name, ' ') + 1);
