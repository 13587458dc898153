-- Invitation-only waves. Invitations are kept apart from responses: no column, key, order
-- or time joins an invitation to the response its invitee gave. "answered" is a flag with
-- no time, set in the same transaction that stores the response.
-- Same as migrations/sqlite except for WITHOUT ROWID.

CREATE TABLE invitations (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    email TEXT NOT NULL,
    language TEXT NOT NULL CHECK (language IN ('ja', 'en')),
    invited_on DATE NOT NULL,
    reminded_on DATE,
    answered BOOLEAN NOT NULL DEFAULT FALSE,
    opted_out BOOLEAN NOT NULL DEFAULT FALSE,
    UNIQUE (wave_id, email)
);

-- Only hashes of the personal links' tokens; one per message sent (a reminder carries a
-- new token, so no token is ever stored in clear to be sent later).
CREATE TABLE invitation_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE
);

CREATE INDEX invitation_tokens_invitation ON invitation_tokens (invitation_id);

-- Messages waiting to be sent, being sent, sent or failed. Times here are about sending.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    invitation_id TEXT NOT NULL REFERENCES invitations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    status TEXT NOT NULL CHECK (status IN ('queued', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    claimed_at TIMESTAMP,
    last_error TEXT
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
CREATE INDEX outbox_invitation ON outbox (invitation_id);

-- What is left of a wave's invitations after the purge: counts only.
CREATE TABLE invitation_counts (
    wave_id TEXT PRIMARY KEY NOT NULL,
    invited INTEGER NOT NULL,
    sent INTEGER NOT NULL,
    failed INTEGER NOT NULL,
    answered INTEGER NOT NULL,
    opted_out INTEGER NOT NULL
);
