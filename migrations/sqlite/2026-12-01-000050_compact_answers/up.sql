-- One row per response: its answers move from `answers` (one row per answer, about thirty
-- per response) into `responses.answers`, a JSON object from question id to the stored
-- value, or to an array of values for a multiple-choice question (src/domain/stored.rs).
-- The key becomes (wave_id, id): a wave's responses are one range of the table, in the
-- order of their random ids, and the index on wave_id is no longer needed. A submission
-- then writes one row of responses instead of a row, an index entry and thirty answer
-- rows. See migrations/postgresql for the same change in PostgreSQL's dialect.
PRAGMA foreign_keys = OFF;
BEGIN;

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
    SELECT r.id, r.wave_id, r.channel, r.language, r.submitted_on, r.in_sample,
        COALESCE(
            (SELECT json_group_object(question_id, json(v)) FROM (
                SELECT question_id,
                    CASE WHEN COUNT(*) = 1 THEN json_quote(MAX(value))
                         ELSE json_group_array(value ORDER BY position) END AS v
                FROM answers a WHERE a.response_id = r.id
                GROUP BY question_id)),
            '{}')
    FROM responses r;
DROP TABLE answers;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
