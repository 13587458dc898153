-- Postal mailings (issue 19): each `codes generate` is a numbered mailing of its wave,
-- with a label, the day it was made and whether it was a rehearsal (not counted); a code
-- knows its mailing (never an address, a person or a response) and, once voided, why:
-- `spare` (never mailed: leaves the number mailed, 配布数) or `undeliverable` (returned as あて所に尋ねあたりません: mailed but
-- out of the response-rate denominator). A voided code can no longer be used. A
-- publication keeps the mailing figures it was published with. Same change in
-- migrations/postgresql.
CREATE TABLE mailings (
    wave_id TEXT NOT NULL,
    mailing INTEGER NOT NULL,
    label TEXT NOT NULL,
    generated_on DATE NOT NULL,
    rehearsal BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (wave_id, mailing)
) WITHOUT ROWID;
-- SQLite cannot add a column with a CHECK that reads as one column a line: the table is
-- rebuilt (WITHOUT ROWID, still in hash order).
CREATE TABLE access_codes_new (
    code_hash TEXT PRIMARY KEY NOT NULL CHECK (length(code_hash) = 64),
    wave_id TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE,
    mailing INTEGER NOT NULL DEFAULT 1,
    void_reason TEXT CHECK (void_reason IS NULL OR void_reason IN ('spare', 'undeliverable'))
) WITHOUT ROWID;
INSERT INTO access_codes_new (code_hash, wave_id, used, mailing)
    SELECT code_hash, wave_id, used, 1 FROM access_codes;
DROP TABLE access_codes;
ALTER TABLE access_codes_new RENAME TO access_codes;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used, code_hash);
INSERT INTO mailings (wave_id, mailing, label, generated_on)
    SELECT DISTINCT wave_id, 1, 'mailing 1', CURRENT_DATE FROM access_codes;
ALTER TABLE publications ADD COLUMN mailed INTEGER;
ALTER TABLE publications ADD COLUMN undeliverable INTEGER;
