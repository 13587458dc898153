DROP INDEX responses_day;
DROP INDEX access_codes_wave;
CREATE INDEX access_codes_wave ON access_codes (wave_id, used);
CREATE FUNCTION citizen_survey_all_new(inserted bigint, expected bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF inserted <> expected THEN
        RAISE EXCEPTION 'a key of the batch was stored before';
    END IF;
    RETURN true;
END
$$;
ALTER TABLE responses RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_cost_delay);
ALTER TABLE access_codes RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_cost_delay);
ALTER TABLE answer_counts RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_vacuum_cost_delay);
