-- Same indexes as migrations/sqlite (see the reasons there). The one-statement batch no
-- longer raises on a replayed form (an ERROR put the statement and its time in the
-- server's log): it tells a replay by the keys it inserted, so its guard function goes.
CREATE INDEX responses_day ON responses (wave_id, submitted_on, in_sample, id);
DROP INDEX access_codes_wave;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used, code_hash);
DROP FUNCTION citizen_survey_all_new(bigint, bigint);
