-- Anonymous by construction (see PRODUCT.md, "Anonymity rules"):
-- a response carries its wave, channel, language and submission date, nothing else.
-- Tables keyed by random ids are WITHOUT ROWID so SQLite keeps no hidden insertion order.

CREATE TABLE responses (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper')),
    language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
    submitted_on DATE NOT NULL
) WITHOUT ROWID;

CREATE INDEX responses_wave ON responses (wave_id);

-- One row per answered question; a multiple-choice answer has one row per chosen option.
CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id, position)
) WITHOUT ROWID;

-- One-time keys of forms already submitted: a replay finds its key here and stores nothing.
-- Deliberately no link to the response and no time.
CREATE TABLE submission_keys (
    key TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE analysts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_on DATE NOT NULL
) WITHOUT ROWID;
