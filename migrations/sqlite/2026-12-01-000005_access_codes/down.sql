PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE access_codes;
DROP TABLE vision_score_sums;
CREATE TABLE vision_score_sums (
    wave_id TEXT NOT NULL,
    vision_id TEXT NOT NULL,
    age_band TEXT NOT NULL,
    area TEXT NOT NULL,
    gender TEXT NOT NULL,
    channel TEXT NOT NULL,
    respondents BIGINT NOT NULL,
    n BIGINT NOT NULL,
    score_sum DOUBLE PRECISION NOT NULL,
    score_sum_sq DOUBLE PRECISION NOT NULL,
    top2_sum DOUBLE PRECISION NOT NULL,
    top2_sum_sq DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (wave_id, vision_id, age_band, area, gender, channel)
) WITHOUT ROWID;
DROP INDEX response_scores_wave;
ALTER TABLE response_scores DROP COLUMN in_sample;
CREATE INDEX response_scores_wave ON response_scores (wave_id, vision_id, age_band, area, score, top2);
CREATE TABLE responses_old (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper')),
    language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
    submitted_on DATE NOT NULL
) WITHOUT ROWID;
INSERT INTO responses_old SELECT id, wave_id, channel, language, submitted_on FROM responses;
DROP TABLE responses;
ALTER TABLE responses_old RENAME TO responses;
CREATE INDEX responses_wave ON responses (wave_id);
COMMIT;
PRAGMA foreign_keys = ON;
