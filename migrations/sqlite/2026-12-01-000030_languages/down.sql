-- Back to Japanese and English only: invitees of other languages become Japanese ones.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE invitations_new (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    email TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
    invited_on DATE NOT NULL,
    reminded_on DATE,
    answered BOOLEAN NOT NULL DEFAULT FALSE,
    opted_out BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (wave_id, email)
) WITHOUT ROWID;
INSERT INTO invitations_new (id, wave_id, email, language, invited_on, reminded_on, answered, opted_out)
    SELECT id, wave_id, email, CASE WHEN language = 'en' THEN 'en' ELSE 'ja' END,
           invited_on, reminded_on, answered, opted_out FROM invitations;
DROP TABLE invitations;
ALTER TABLE invitations_new RENAME TO invitations;
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
