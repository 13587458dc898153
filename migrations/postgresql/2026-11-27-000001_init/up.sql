-- Same schema as migrations/sqlite; differs only where the dialect forces it
-- (PostgreSQL has no WITHOUT ROWID). See the SQLite file for the reasons behind each table.

CREATE TABLE responses (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('web', 'paper')),
    language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
    submitted_on DATE NOT NULL
);

CREATE INDEX responses_wave ON responses (wave_id);

CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id, position)
);

CREATE TABLE submission_keys (
    key TEXT PRIMARY KEY NOT NULL,
    wave_id TEXT NOT NULL
);

CREATE TABLE analysts (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    token_hash TEXT NOT NULL UNIQUE,
    created_on DATE NOT NULL
);
