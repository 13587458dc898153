-- Same change as migrations/sqlite (see the reasons there); PostgreSQL alters in place.
ALTER TABLE responses DROP CONSTRAINT responses_channel_check;
ALTER TABLE responses ADD CONSTRAINT responses_channel_check
    CHECK (channel IN ('web', 'paper', 'email'));
ALTER TABLE responses DROP CONSTRAINT responses_language_check;
ALTER TABLE responses ADD CONSTRAINT responses_language_check
    CHECK (length(language) BETWEEN 2 AND 16);
ALTER TABLE responses ADD COLUMN in_sample BOOLEAN NOT NULL DEFAULT TRUE;

ALTER TABLE response_scores ADD COLUMN in_sample BOOLEAN NOT NULL DEFAULT TRUE;
DROP INDEX response_scores_wave;
CREATE INDEX response_scores_wave ON response_scores (wave_id, vision_id, in_sample, age_band, area, score, top2);

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
);

-- Rows are inserted in hash order within one statement per batch, so their place on disk
-- says nothing about the order the codes were generated in.
CREATE TABLE access_codes (
    code_hash TEXT PRIMARY KEY NOT NULL CHECK (length(code_hash) = 64),
    wave_id TEXT NOT NULL,
    used BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX access_codes_wave ON access_codes (wave_id, used);
