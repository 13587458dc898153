-- Same change as migrations/sqlite (see the reasons there).
CREATE TABLE mailings (
    wave_id TEXT NOT NULL,
    mailing INTEGER NOT NULL,
    label TEXT NOT NULL,
    generated_on DATE NOT NULL,
    rehearsal BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (wave_id, mailing)
);
ALTER TABLE access_codes ADD COLUMN mailing INTEGER NOT NULL DEFAULT 1;
ALTER TABLE access_codes ADD COLUMN void_reason TEXT CHECK (void_reason IS NULL OR void_reason IN ('spare', 'undeliverable'));
INSERT INTO mailings (wave_id, mailing, label, generated_on)
    SELECT DISTINCT wave_id, 1, 'mailing 1', CURRENT_DATE FROM access_codes;
ALTER TABLE publications ADD COLUMN mailed INTEGER;
ALTER TABLE publications ADD COLUMN undeliverable INTEGER;
