ALTER TABLE publications DROP COLUMN undeliverable;
ALTER TABLE publications DROP COLUMN mailed;
ALTER TABLE access_codes DROP COLUMN void_reason;
ALTER TABLE access_codes DROP COLUMN mailing;
DROP TABLE mailings;
