-- How many responses each wave has, kept by the writer in the transaction that stores
-- them, so that an export checks its derived tables against one row instead of counting
-- the responses (README, "Derived tables").
CREATE TABLE wave_counts (
    wave_id TEXT PRIMARY KEY NOT NULL,
    responses BIGINT NOT NULL
);
INSERT INTO wave_counts (wave_id, responses) SELECT wave_id, COUNT(*) FROM responses GROUP BY wave_id;
