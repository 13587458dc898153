-- Issue 19: a paper sheet returned without its access code is stored with channel
-- `paper_no_code` (no credential; src/domain/channel.rs). SQLite changes a CHECK by
-- rebuilding the table (same columns, key and index).
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE responses_new (
    id TEXT NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper', 'paper_no_code', 'email')),
    language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 16),
    submitted_on DATE NOT NULL,
    in_sample BOOLEAN NOT NULL DEFAULT TRUE,
    answers TEXT NOT NULL CHECK (json_valid(answers)),
    PRIMARY KEY (wave_id, id)
) WITHOUT ROWID;
INSERT INTO responses_new (id, wave_id, channel, language, submitted_on, in_sample, answers)
    SELECT id, wave_id, channel, language, submitted_on, in_sample, answers FROM responses;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;
CREATE INDEX responses_day ON responses (wave_id, submitted_on, in_sample, id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
