-- Same change as migrations/sqlite (see the reasons there).
ALTER TABLE analysts ADD COLUMN role TEXT NOT NULL DEFAULT 'analyst';

CREATE TABLE paper_sheets (
    code_hash TEXT PRIMARY KEY NOT NULL CHECK (length(code_hash) = 64),
    wave_id TEXT NOT NULL,
    first_entry TEXT NOT NULL,
    first_operator TEXT,
    second_entry TEXT
);
CREATE INDEX paper_sheets_wave ON paper_sheets (wave_id);

ALTER TABLE publications ADD COLUMN responses_paper INTEGER;
ALTER TABLE publications ADD COLUMN responses_online INTEGER;
