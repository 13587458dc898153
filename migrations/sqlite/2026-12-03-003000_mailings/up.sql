-- Postal mailings (issue 19): each `codes generate` is a numbered mailing of its wave,
-- with a label and the day it was made; a code knows its mailing (never an address, a
-- person or a response) and, once voided, why: `spare` (never mailed: leaves the number
-- mailed, 配布数) or `undeliverable` (returned as あて所に尋ねあたりません: mailed but
-- out of the response-rate denominator). A voided code can no longer be used. A
-- publication keeps the mailing figures it was published with. Same change in
-- migrations/postgresql.
CREATE TABLE mailings (
    wave_id TEXT NOT NULL,
    mailing INTEGER NOT NULL,
    label TEXT NOT NULL,
    generated_on DATE NOT NULL,
    PRIMARY KEY (wave_id, mailing)
) WITHOUT ROWID;
ALTER TABLE access_codes ADD COLUMN mailing INTEGER NOT NULL DEFAULT 1;
ALTER TABLE access_codes ADD COLUMN void_reason TEXT
    CHECK (void_reason IS NULL OR void_reason IN ('spare', 'undeliverable'));
INSERT INTO mailings (wave_id, mailing, label, generated_on)
    SELECT DISTINCT wave_id, 1, 'mailing 1', CURRENT_DATE FROM access_codes;
ALTER TABLE publications ADD COLUMN mailed INTEGER;
ALTER TABLE publications ADD COLUMN undeliverable INTEGER;
