-- The analyst workspace: browser sign-in, sessions, an audit log and published results.
-- Nothing here concerns residents: no table refers to a response or an invitation.
-- Same as migrations/sqlite except for WITHOUT ROWID.

-- A password for browser sign-in (Argon2id, PHC string) and the per-account lockout,
-- kept in the database so that it holds across instances.
CREATE TABLE analyst_passwords (
    analyst_id TEXT PRIMARY KEY NOT NULL REFERENCES analysts (id) ON DELETE CASCADE,
    password_hash TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
    locked_until TIMESTAMP
);

-- Browser sessions: only a SHA-256 hash of the cookie's random id is stored.
CREATE TABLE analyst_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    analyst_id TEXT NOT NULL REFERENCES analysts (id) ON DELETE CASCADE,
    csrf_token TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX analyst_sessions_analyst ON analyst_sessions (analyst_id);
CREATE INDEX analyst_sessions_expiry ON analyst_sessions (expires_at);

-- What analysts did (sign-in, sign-out, publication, exports). Analysts only, never residents.
CREATE TABLE audit_log (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    analyst TEXT NOT NULL,
    action TEXT NOT NULL,
    wave_id TEXT,
    detail TEXT NOT NULL DEFAULT '',
    at TIMESTAMP NOT NULL
);

CREATE INDEX audit_log_at ON audit_log (at);

-- A wave's published results: a snapshot taken at publication, so the public page does not
-- change when paper responses arrive later (publishing again replaces it).
CREATE TABLE publications (
    wave_id TEXT PRIMARY KEY NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by TEXT NOT NULL,
    responses INTEGER NOT NULL CHECK (responses >= 0),
    min_group_size INTEGER NOT NULL
);

-- One row per vision, figures as published (four decimals); NULL figures when suppressed.
CREATE TABLE published_vision_scores (
    wave_id TEXT NOT NULL REFERENCES publications (wave_id) ON DELETE CASCADE,
    vision_id TEXT NOT NULL,
    respondents INTEGER,
    mean_score TEXT,
    sd TEXT,
    ci95_lower TEXT,
    ci95_upper TEXT,
    top2_box_pct TEXT,
    suppressed BOOLEAN NOT NULL,
    PRIMARY KEY (wave_id, vision_id)
);
