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
    in_sample BOOLEAN NOT NULL DEFAULT TRUE,
    PRIMARY KEY (response_id, vision_id)
);
CREATE INDEX response_scores_wave ON response_scores (wave_id, vision_id, in_sample, age_band, area, score, top2);
