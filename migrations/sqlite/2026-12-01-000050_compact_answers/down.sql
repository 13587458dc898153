PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE responses_old (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper', 'email')),
    language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 16),
    submitted_on DATE NOT NULL,
    in_sample BOOLEAN NOT NULL DEFAULT TRUE
) WITHOUT ROWID;
INSERT INTO responses_old (id, wave_id, channel, language, submitted_on, in_sample)
    SELECT id, wave_id, channel, language, submitted_on, in_sample FROM responses;
CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id, position)
) WITHOUT ROWID;
INSERT INTO answers (response_id, question_id, position, value)
    SELECT r.id, j.key, 0, j.value FROM responses r, json_each(r.answers) j
    WHERE j.type = 'text'
    UNION ALL
    SELECT r.id, j.key, CAST(e.key AS INTEGER), e.value
    FROM responses r, json_each(r.answers) j, json_each(j.value) e
    WHERE j.type = 'array';
DROP TABLE responses;
ALTER TABLE responses_old RENAME TO responses;
CREATE INDEX responses_wave ON responses (wave_id);
PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
