-- Postal random-sample waves (access = "code"): access codes, the e-mail channel, and the
-- sample flag. See migrations/postgresql for the same change in PostgreSQL's dialect.
PRAGMA foreign_keys = OFF;
BEGIN;

-- Every response records its channel (web, paper, email) and whether it belongs to the
-- wave's sample: FALSE only for answers given through the open link of a code wave
-- (open_answers = true), which estimates leave out unless asked for. The language check
-- only bounds the code: languages are data (definitions), not schema.
CREATE TABLE responses_new (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper', 'email')),
    language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 16),
    submitted_on DATE NOT NULL,
    in_sample BOOLEAN NOT NULL DEFAULT TRUE
) WITHOUT ROWID;
INSERT INTO responses_new (id, wave_id, channel, language, submitted_on, in_sample)
    SELECT id, wave_id, channel, language, submitted_on, TRUE FROM responses;
DROP TABLE responses;
ALTER TABLE responses_new RENAME TO responses;
CREATE INDEX responses_wave ON responses (wave_id);

ALTER TABLE response_scores ADD COLUMN in_sample BOOLEAN NOT NULL DEFAULT TRUE;
DROP INDEX response_scores_wave;
CREATE INDEX response_scores_wave ON response_scores (wave_id, vision_id, in_sample, age_band, area, score, top2);

-- The running totals get the sample flag as a key; they are derived, so they are dropped
-- here and rebuilt from response_scores before the next export reads them.
DROP TABLE vision_score_sums;
CREATE TABLE vision_score_sums (
    wave_id TEXT NOT NULL,
    vision_id TEXT NOT NULL,
    age_band TEXT NOT NULL,
    area TEXT NOT NULL,
    gender TEXT NOT NULL,
    channel TEXT NOT NULL,
    in_sample BOOLEAN NOT NULL,
    respondents BIGINT NOT NULL,
    n BIGINT NOT NULL,
    score_sum DOUBLE PRECISION NOT NULL,
    score_sum_sq DOUBLE PRECISION NOT NULL,
    top2_sum DOUBLE PRECISION NOT NULL,
    top2_sum_sq DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (wave_id, vision_id, age_band, area, gender, channel, in_sample)
) WITHOUT ROWID;

-- Access codes printed on letters: only a SHA-256 hash of each, never an address or a
-- name, no time and no sequence. WITHOUT ROWID keeps them in hash order, which says
-- nothing about the order they were generated or mailed in. `used` is a flag with no
-- time, set in the transaction that stores the response given through the code.
CREATE TABLE access_codes (
    code_hash TEXT PRIMARY KEY NOT NULL CHECK (length(code_hash) = 64),
    wave_id TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
) WITHOUT ROWID;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used);

PRAGMA foreign_key_check;
COMMIT;
PRAGMA foreign_keys = ON;
