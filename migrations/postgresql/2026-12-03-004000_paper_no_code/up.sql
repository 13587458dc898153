-- Issue 19: a paper sheet returned without its access code is stored with channel
-- `paper_no_code` (no credential; src/domain/channel.rs).
ALTER TABLE responses DROP CONSTRAINT responses_channel_check;
ALTER TABLE responses ADD CONSTRAINT responses_channel_check
    CHECK (channel IN ('web', 'paper', 'paper_no_code', 'email'));
