ALTER TABLE publications DROP COLUMN returned;
