-- Back to three channels: code-less paper sheets become plain paper sheets first.
PRAGMA foreign_keys = OFF;
BEGIN;
UPDATE responses SET channel = 'paper' WHERE channel = 'paper_no_code';
CREATE TABLE responses_new (
    id TEXT NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper', 'email')),
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
