UPDATE responses SET channel = 'paper' WHERE channel = 'paper_no_code';
ALTER TABLE responses DROP CONSTRAINT responses_channel_check;
ALTER TABLE responses ADD CONSTRAINT responses_channel_check
    CHECK (channel IN ('web', 'paper', 'email'));
