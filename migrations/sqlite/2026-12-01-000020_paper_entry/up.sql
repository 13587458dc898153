-- Paper questionnaires (see README, "Paper questionnaires"): an operator role for data
-- entry, pending double-entry sheets, and the post/web counts of a publication.
-- migrations/postgresql holds the same change in PostgreSQL's dialect.

-- `analyst` (everything) or `operator` (paper entry and the questionnaire only: no export,
-- no publication, no invitations). Checked by the code, which is the only writer.
ALTER TABLE analysts ADD COLUMN role TEXT NOT NULL DEFAULT 'analyst';

-- A sheet keyed once and waiting for its second (blind) entry, or keyed twice with
-- disagreeing fields waiting to be resolved. Keyed by the access code's SHA-256 hash, never
-- the code; the entries are the operator codes as typed (JSON: question id -> code). The
-- first operator's id is kept only until the second entry arrives (to refuse the same
-- operator keying both). The row is deleted in the transaction that stores the response.
CREATE TABLE paper_sheets (
    code_hash TEXT PRIMARY KEY NOT NULL CHECK (length(code_hash) = 64),
    wave_id TEXT NOT NULL,
    first_entry TEXT NOT NULL,
    first_operator TEXT,
    second_entry TEXT
) WITHOUT ROWID;
CREATE INDEX paper_sheets_wave ON paper_sheets (wave_id);

-- How many of a publication's responses came by post and online (web and e-mail links);
-- NULL for snapshots taken before this migration.
ALTER TABLE publications ADD COLUMN responses_paper INTEGER;
ALTER TABLE publications ADD COLUMN responses_online INTEGER;
