CREATE INDEX responses_wave ON responses (wave_id);
ALTER TABLE responses DROP CONSTRAINT responses_pkey;
ALTER TABLE responses ADD PRIMARY KEY (id);
CREATE TABLE answers (
    response_id TEXT NOT NULL REFERENCES responses (id) ON DELETE CASCADE,
    question_id TEXT NOT NULL,
    position INTEGER NOT NULL CHECK (position >= 0),
    value TEXT NOT NULL,
    PRIMARY KEY (response_id, question_id, position)
);
INSERT INTO answers (response_id, question_id, position, value)
    SELECT r.id, j.key, 0, j.value #>> '{}' FROM responses r, jsonb_each(r.answers::jsonb) j
    WHERE jsonb_typeof(j.value) = 'string'
    UNION ALL
    SELECT r.id, j.key, (e.ord - 1)::int, e.v
    FROM responses r, jsonb_each(r.answers::jsonb) j,
        jsonb_array_elements_text(j.value) WITH ORDINALITY AS e(v, ord)
    WHERE jsonb_typeof(j.value) = 'array';
ALTER TABLE responses DROP CONSTRAINT responses_answers_check;
ALTER TABLE responses DROP COLUMN answers;
