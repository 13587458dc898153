-- Derived data for fast exports (README, "Exports"): one row per response and vision of
-- its wave with the respondent's vision score (NULL when they answered none of the
-- vision's scored items), top-2-box share and the strata the exports group by. Written in
-- the transaction that stores the response; rows a response lacks (responses stored
-- before this table existed, or by code that does not compute them) are filled in from
-- `answers` before an export reads the table. Nothing here is not already in `answers`.
CREATE TABLE response_scores (
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    vision_id TEXT NOT NULL,
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    age_band TEXT,
    area TEXT,
    gender TEXT,
    score DOUBLE PRECISION,
    top2 DOUBLE PRECISION,
    PRIMARY KEY (response_id, vision_id)
) WITHOUT ROWID;

-- Covering index: per-vision (and per-stratum) sums are read from the index alone.
CREATE INDEX response_scores_wave ON response_scores (wave_id, vision_id, age_band, area, score, top2);

-- Per wave, vision, age band, area, gender and channel: the respondents and the sums of
-- their scores, kept up to date in the transaction that stores a response, so that the
-- per-vision exports read a few thousand rows whatever the number of responses. ''
-- stands for "not answered" (key columns cannot be NULL). Rebuilt from response_scores
-- whenever the totals disagree with the number of responses.
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
