-- Blind double entry (issue 20, defect 6): who keyed the second entry is kept, like the
-- first's, until the sheet is resolved, so that neither of them can resolve it (the
-- resolver sees both entries). The row is deleted with them when the sheet is stored.
ALTER TABLE paper_sheets ADD COLUMN second_operator TEXT;
