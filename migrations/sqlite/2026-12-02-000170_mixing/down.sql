DROP INDEX responses_day;
DROP INDEX access_codes_wave;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used);
