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
);
DROP INDEX response_scores_wave;
ALTER TABLE response_scores DROP COLUMN in_sample;
CREATE INDEX response_scores_wave ON response_scores (wave_id, vision_id, age_band, area, score, top2);
ALTER TABLE responses DROP COLUMN in_sample;
ALTER TABLE responses DROP CONSTRAINT responses_language_check;
ALTER TABLE responses ADD CONSTRAINT responses_language_check CHECK (language IN ('ja', 'en'));
ALTER TABLE responses DROP CONSTRAINT responses_channel_check;
ALTER TABLE responses ADD CONSTRAINT responses_channel_check CHECK (channel IN ('web', 'paper'));
