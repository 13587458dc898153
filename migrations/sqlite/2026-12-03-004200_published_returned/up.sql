-- Issue 19 (defect 5): the publication keeps 回収数 (returned) beside 有効回収数
-- (`responses`); NULL for snapshots taken before.
ALTER TABLE publications ADD COLUMN returned INTEGER;
