ALTER TABLE publications DROP COLUMN responses_online;
ALTER TABLE publications DROP COLUMN responses_paper;
DROP TABLE paper_sheets;
ALTER TABLE analysts DROP COLUMN role;
