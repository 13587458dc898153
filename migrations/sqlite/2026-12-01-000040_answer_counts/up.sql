-- Aggregates kept up to date by the writer, so that the dashboard and the item and
-- distribution exports read a few rows per question whatever the number of responses
-- (README, "Exports", "Derived tables"). Counts only; nothing here that `answers` and
-- `responses` do not hold already, no time of day, no link to a response. Rebuilt from
-- them whenever the day counts disagree with the number of responses.

-- Per wave, question, stored value and sample flag: how many answers.
CREATE TABLE answer_counts (
    wave_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    value TEXT NOT NULL,
    in_sample BOOLEAN NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (wave_id, question_id, value, in_sample)
) WITHOUT ROWID;

-- Per wave, question and sample flag: how many responses answered it.
CREATE TABLE question_counts (
    wave_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    in_sample BOOLEAN NOT NULL,
    respondents BIGINT NOT NULL,
    PRIMARY KEY (wave_id, question_id, in_sample)
) WITHOUT ROWID;

-- Per wave, submission date, channel and sample flag: how many responses.
CREATE TABLE day_counts (
    wave_id TEXT NOT NULL,
    day DATE NOT NULL,
    channel TEXT NOT NULL,
    in_sample BOOLEAN NOT NULL,
    responses BIGINT NOT NULL,
    PRIMARY KEY (wave_id, day, channel, in_sample)
) WITHOUT ROWID;
