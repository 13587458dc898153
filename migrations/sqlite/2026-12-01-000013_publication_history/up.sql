-- The respondents of every published vision figure, kept when a wave is published again
-- (the snapshot in published_vision_scores is replaced), so that a new publication is
-- refused when a figure could be differenced against an earlier one down to fewer than the
-- minimum group size. Analysts only: nothing here refers to a response.
CREATE TABLE publication_history (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    vision_id TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    respondents INTEGER NOT NULL CHECK (respondents >= 0)
) WITHOUT ROWID;

CREATE INDEX publication_history_wave ON publication_history (wave_id, vision_id);
