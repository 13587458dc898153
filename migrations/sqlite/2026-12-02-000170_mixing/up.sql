-- Mixing (src/db/mix.rs): on PostgreSQL each write rewrites a new response's neighbours in
-- id order among its wave's responses of the same day and sample flag, and a claimed
-- code's neighbours in hash order among its wave's used codes; these indexes find them.
-- SQLite keeps the same indexes so that both schemas stay alike (they serve the daily
-- counts' rebuild and the code status there too).
CREATE INDEX responses_day ON responses (wave_id, submitted_on, in_sample, id);
DROP INDEX access_codes_wave;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used, code_hash);
