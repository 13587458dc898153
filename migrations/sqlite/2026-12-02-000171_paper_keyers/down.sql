ALTER TABLE paper_sheets DROP COLUMN second_operator;
