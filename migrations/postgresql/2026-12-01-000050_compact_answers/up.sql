-- One row per response: answers move into responses.answers (JSON text, see
-- migrations/sqlite for the why), the key becomes (wave_id, id).
ALTER TABLE responses ADD COLUMN answers TEXT;
UPDATE responses r SET answers = COALESCE(
    (SELECT json_object_agg(question_id, v)::text FROM (
        SELECT question_id,
            CASE WHEN COUNT(*) = 1 THEN to_json(MIN(value))
                 ELSE json_agg(value ORDER BY position) END AS v
        FROM answers a WHERE a.response_id = r.id
        GROUP BY question_id) s),
    '{}');
ALTER TABLE responses ALTER COLUMN answers SET NOT NULL;
ALTER TABLE responses ADD CONSTRAINT responses_answers_check
    CHECK (jsonb_typeof(answers::jsonb) = 'object');
DROP TABLE answers;
ALTER TABLE responses DROP CONSTRAINT responses_pkey;
ALTER TABLE responses ADD PRIMARY KEY (wave_id, id);
DROP INDEX responses_wave;
