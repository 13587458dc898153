ALTER TABLE publications DROP COLUMN undeliverable;
ALTER TABLE publications DROP COLUMN mailed;
CREATE TABLE access_codes_old (
    code_hash TEXT PRIMARY KEY NOT NULL CHECK (length(code_hash) = 64),
    wave_id TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
) WITHOUT ROWID;
INSERT INTO access_codes_old (code_hash, wave_id, used)
    SELECT code_hash, wave_id, used FROM access_codes;
DROP TABLE access_codes;
ALTER TABLE access_codes_old RENAME TO access_codes;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used, code_hash);
DROP TABLE mailings;
