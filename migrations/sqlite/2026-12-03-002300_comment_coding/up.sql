-- Coding and review of the free-text answers (docs/free-text.md, issue 23).
--
-- A comment row is one free-text answer taken out of its response, masked: it carries its
-- wave and question only — no response id, no channel, language, date or any other answer
-- (PRODUCT.md, anonymity rules). Rows are inserted in a random order with random ids.
-- `digest` (SHA-256 of the original text) lets a later load add only the answers not yet
-- taken; it says no more than the text, which the response holds anyway. The original
-- text is never stored here.
CREATE TABLE comments (
    id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),
    wave_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    masked TEXT NOT NULL,
    -- Reviewer flags of the masking (organisation, 要配慮:category), `;`-separated.
    flags TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'coded', 'approved', 'withheld')),
    -- The analyst's 要旨 (a summary in their words, shown as such, never as a quote).
    summary TEXT NOT NULL DEFAULT '',
    -- How it is to be published: the masked text, the masked text with more 伏字 (○), or
    -- the 要旨 only; NULL while pending or when withheld.
    publish_as TEXT CHECK (publish_as IN ('verbatim', 'fuseji', 'summary')),
    fuseji TEXT,
    withheld_reason TEXT CHECK (withheld_reason IN ('identifying', 'defamatory', 'sensitive', 'off_topic')),
    -- The label of the cluster 広聴AI (kouchou-ai) put the comment in, imported as a hint
    -- for the coder; machine-written, never published.
    cluster_label TEXT,
    coded_by TEXT,
    second_coded_by TEXT,
    reviewed_by TEXT
) WITHOUT ROWID;

CREATE INDEX comments_wave ON comments (wave_id, question_id, status);

-- The codes an analyst gave a comment: coder 1 (the coding that is used) and coder 2 (the
-- blind second coding of a sample, for Cohen's κ).
CREATE TABLE comment_codes (
    comment_id TEXT NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    coder INTEGER NOT NULL CHECK (coder IN (1, 2)),
    code_id TEXT NOT NULL,
    PRIMARY KEY (comment_id, coder, code_id)
) WITHOUT ROWID;

-- The approved comments as published with the wave's results (JSON, src/text/publish.rs),
-- replaced by the next publication. Holds no comment id.
CREATE TABLE published_comments (
    wave_id TEXT PRIMARY KEY NOT NULL,
    published_at TIMESTAMP NOT NULL,
    snapshot TEXT NOT NULL
) WITHOUT ROWID;
