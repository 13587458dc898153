-- The evaluation of the visions (docs/evaluation.md). Analysts' decisions and the
-- published evaluation; nothing here refers to a response or a resident.
-- Same as migrations/sqlite except for WITHOUT ROWID.

-- The 見直し decision per wave and vision: the direction (継続 continue, 改善 improve,
-- 見直し review; NULL while undecided), the reason and 「主な市民意見」, as last saved in the
-- workspace (each save is in the audit log).
CREATE TABLE evaluation_decisions (
    wave_id TEXT NOT NULL,
    vision_id TEXT NOT NULL,
    direction TEXT CHECK (direction IN ('continue', 'improve', 'review')),
    reason TEXT NOT NULL DEFAULT '',
    opinions TEXT NOT NULL DEFAULT '',
    updated_by TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (wave_id, vision_id)
);

-- A published wave's decisions reopened for a new publication: while a row is here the
-- decisions may be edited (the public keeps the published ones until the next
-- publication, which deletes the row). Without it, a published wave's decisions are locked.
CREATE TABLE evaluation_revisions (
    wave_id TEXT PRIMARY KEY NOT NULL,
    opened_by TEXT NOT NULL,
    opened_at TIMESTAMP NOT NULL
);

-- The evaluation as published with the wave's results: the rows and the decisions, as
-- JSON (src/evaluation/row.rs), replaced by the next publication.
CREATE TABLE published_evaluations (
    wave_id TEXT PRIMARY KEY NOT NULL,
    published_at TIMESTAMP NOT NULL,
    snapshot TEXT NOT NULL
);

-- The respondents of every published indicator figure, kept across publications, so that
-- a new publication is refused when one could be differenced against an earlier one.
CREATE TABLE published_evaluation_history (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    indicator_id TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    respondents INTEGER NOT NULL CHECK (respondents >= 0)
);

CREATE INDEX published_evaluation_history_wave ON published_evaluation_history (wave_id, indicator_id);
