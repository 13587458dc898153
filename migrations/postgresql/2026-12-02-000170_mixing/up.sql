-- Same indexes as migrations/sqlite (see the reasons there). The one-statement batch no
-- longer raises on a replayed form (an ERROR put the statement and its time in the
-- server's log): it tells a replay by the keys it inserted, so its guard function goes.
CREATE INDEX responses_day ON responses (wave_id, submitted_on, in_sample, id);
DROP INDEX access_codes_wave;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used, code_hash);
DROP FUNCTION citizen_survey_all_new(bigint, bigint);
-- Every write deletes and inserts again about twenty rows per new one: vacuum these tables
-- after a few thousand dead rows rather than a fifth of the table, without the cost delay,
-- so that the windows' index scans do not wade through dead entries.
ALTER TABLE responses SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE access_codes SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000, autovacuum_vacuum_cost_delay = 0);
ALTER TABLE answer_counts SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000, autovacuum_vacuum_cost_delay = 0);
