-- The writer's one-statement batch (src/db/batch_pg.rs): raises when fewer of the batch's
-- one-time keys went in than it holds, so that the statement stores nothing and the batch
-- goes through the transaction that tells each replay apart.
CREATE FUNCTION citizen_survey_all_new(inserted bigint, expected bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF inserted <> expected THEN
        RAISE EXCEPTION 'a key of the batch was stored before';
    END IF;
    RETURN true;
END
$$;
