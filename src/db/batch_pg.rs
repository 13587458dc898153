//! A batch's writes on PostgreSQL as prepared statements with array parameters.
//!
//! On PostgreSQL the writer is bound by round trips, not by work: as diesel's multi-row
//! inserts, a batch was nine statements (BEGIN, keys, responses, running totals, three
//! kinds of counts, the wave's counter, COMMIT), each parsed and planned anew because the
//! text of a multi-row insert changes with the number of rows. Here the rows travel as
//! one array per column (`unnest`), so the text of each statement is constant and
//! prepared once per connection (a static [`QueryId`]), and every table of the second
//! pass is written by one statement (data-modifying `WITH` clauses): BEGIN, keys, the
//! rest, COMMIT. A batch of an open wave (no credentials) is first tried as ONE
//! statement, keys included, outside any transaction ([`Pass2::execute_if_all_new`]):
//! one round trip, committed when it returns; if any key was stored before, a function
//! of migration `2026-12-01-000060_batch_guard` raises, the statement stores nothing,
//! and the batch goes the four-statement way, which tells each replay apart. What is
//! written, and in which order, is what the SQLite path writes (see
//! `submit::store_batch`): the keys in the first random order, the responses
//! in the second, each totals and counts row once, in key order.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{AstPass, Query, QueryFragment, QueryId};
use diesel::serialize::ToSql;
use diesel::sql_types::{Array, BigInt, Bool, Date, Double, HasSqlType, Integer, Text};

use super::counts::BatchCounts;
use super::scores::{SumGain, SumKey};

/// Appends `$n` bound to `values` (an array of `ST`), then `after` (its cast and what
/// follows).
fn array<'b, ST: 'static, U>(
    out: &mut AstPass<'_, 'b, Pg>,
    values: &'b U,
    after: &str,
) -> QueryResult<()>
where
    Pg: HasSqlType<ST>,
    U: ToSql<Array<ST>, Pg> + ?Sized,
{
    out.push_bind_param::<Array<ST>, U>(values)?;
    out.push_sql(after);
    Ok(())
}

/// Pass 1's keys, `(key, wave id)` in the order given: inserts those not stored yet and
/// returns them.
pub fn insert_keys(conn: &mut PgConnection, keys: &[(&str, &str)]) -> QueryResult<Vec<String>> {
    let (keys, waves) = keys.iter().copied().unzip();
    NewKeys { keys, waves }.load(conn)
}

struct NewKeys<'a> {
    keys: Vec<&'a str>,
    waves: Vec<&'a str>,
}

struct NewKeysId;

impl QueryId for NewKeys<'_> {
    type QueryId = NewKeysId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl Query for NewKeys<'_> {
    type SqlType = Text;
}

impl RunQueryDsl<PgConnection> for NewKeys<'_> {}

impl QueryFragment<Pg> for NewKeys<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("INSERT INTO submission_keys (key, wave_id) SELECT * FROM unnest(");
        array::<Text, _>(&mut out, &self.keys, "::text[], ")?;
        array::<Text, _>(
            &mut out,
            &self.waves,
            "::text[]) ON CONFLICT DO NOTHING RETURNING key",
        )
    }
}

/// Pass 2: the accepted responses, the running totals, the counts and the waves'
/// counters, gathered with [`Pass2::response`], [`Pass2::sums`], [`Pass2::counts`] and
/// written by [`Pass2::execute`] in one statement.
#[derive(Default)]
pub struct Pass2<'a> {
    responses: Responses<'a>,
    sums: Sums<'a>,
    answers: AnswerCounts<'a>,
    questions: QuestionCounts<'a>,
    days: DayCounts<'a>,
    waves: WaveCounts<'a>,
}

#[derive(Default)]
struct Responses<'a> {
    id: Vec<&'a str>,
    wave: Vec<&'a str>,
    channel: Vec<&'a str>,
    language: Vec<&'a str>,
    day: Vec<NaiveDate>,
    in_sample: Vec<bool>,
    answers: Vec<&'a str>,
    before: Vec<i32>,
    after: Vec<i32>,
}

#[derive(Default)]
struct Sums<'a> {
    wave: Vec<&'a str>,
    vision: Vec<&'a str>,
    age_band: Vec<&'a str>,
    area: Vec<&'a str>,
    gender: Vec<&'a str>,
    channel: Vec<&'a str>,
    in_sample: Vec<bool>,
    respondents: Vec<i64>,
    n: Vec<i64>,
    score_sum: Vec<f64>,
    score_sum_sq: Vec<f64>,
    top2_sum: Vec<f64>,
    top2_sum_sq: Vec<f64>,
}

#[derive(Default)]
struct AnswerCounts<'a> {
    wave: Vec<&'a str>,
    question: Vec<String>,
    value: Vec<String>,
    in_sample: Vec<bool>,
    n: Vec<i64>,
}

#[derive(Default)]
struct QuestionCounts<'a> {
    wave: Vec<&'a str>,
    question: Vec<String>,
    in_sample: Vec<bool>,
    respondents: Vec<i64>,
}

#[derive(Default)]
struct DayCounts<'a> {
    wave: Vec<&'a str>,
    day: Vec<NaiveDate>,
    channel: Vec<String>,
    in_sample: Vec<bool>,
    responses: Vec<i64>,
}

#[derive(Default)]
struct WaveCounts<'a> {
    wave: Vec<&'a str>,
    responses: Vec<i64>,
}

/// One response row, as [`Pass2::response`] takes it.
pub struct ResponseRow<'a> {
    pub id: &'a str,
    pub wave_id: &'a str,
    pub channel: &'a str,
    pub language: &'a str,
    pub submitted_on: NaiveDate,
    pub in_sample: bool,
    pub answers: &'a str,
    /// The window of [`super::mix`]: how many neighbours below and above it in id order
    /// are written again with it.
    pub window: (i32, i32),
}

impl<'a> Pass2<'a> {
    /// Adds a response (in the order they are to be written).
    pub fn response(&mut self, row: ResponseRow<'a>) {
        let r = &mut self.responses;
        r.id.push(row.id);
        r.wave.push(row.wave_id);
        r.channel.push(row.channel);
        r.language.push(row.language);
        r.day.push(row.submitted_on);
        r.in_sample.push(row.in_sample);
        r.answers.push(row.answers);
        r.before.push(row.window.0);
        r.after.push(row.window.1);
    }

    /// Adds what a wave's running totals gain ([`super::scores::sum_batch`]).
    pub fn sums(&mut self, wave_id: &'a str, sums: BTreeMap<SumKey<'a>, SumGain>) {
        let s = &mut self.sums;
        for ((vision, age_band, area, gender, channel, in_sample), e) in sums {
            s.wave.push(wave_id);
            s.vision.push(vision);
            s.age_band.push(age_band);
            s.area.push(area);
            s.gender.push(gender);
            s.channel.push(channel);
            s.in_sample.push(in_sample);
            s.respondents.push(e[0] as i64);
            s.n.push(e[1] as i64);
            s.score_sum.push(e[2]);
            s.score_sum_sq.push(e[3]);
            s.top2_sum.push(e[4]);
            s.top2_sum_sq.push(e[5]);
        }
    }

    /// Adds a wave's counts and how many responses it gains.
    pub fn counts(&mut self, wave_id: &'a str, counts: BatchCounts, responses: i64) {
        for ((question, value, in_sample), n) in counts.answers {
            let a = &mut self.answers;
            a.wave.push(wave_id);
            a.question.push(question);
            a.value.push(value);
            a.in_sample.push(in_sample);
            a.n.push(n);
        }
        for ((question, in_sample), n) in counts.questions {
            let q = &mut self.questions;
            q.wave.push(wave_id);
            q.question.push(question);
            q.in_sample.push(in_sample);
            q.respondents.push(n);
        }
        for ((day, channel, in_sample), n) in counts.days {
            let d = &mut self.days;
            d.wave.push(wave_id);
            d.day.push(day);
            d.channel.push(channel);
            d.in_sample.push(in_sample);
            d.responses.push(n);
        }
        self.waves.wave.push(wave_id);
        self.waves.responses.push(responses);
    }

    /// Writes everything gathered, in one statement (inside the batch's transaction).
    pub fn execute(self, conn: &mut PgConnection) -> QueryResult<()> {
        RunQueryDsl::execute(self, conn).map(drop)
    }
}

/// The statement cache's key of [`Pass2`].
pub struct Pass2Id;

impl QueryId for Pass2<'_> {
    type QueryId = Pass2Id;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl RunQueryDsl<PgConnection> for Pass2<'_> {}

impl QueryFragment<Pg> for Pass2<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        out.push_sql("WITH ");
        self.walk_tables(&mut out, None)?;
        out.push_sql(" SELECT 1");
        Ok(())
    }
}

impl<'a> Pass2<'a> {
    /// The `WITH` clauses that write the tables, `nr AS (…), …, w AS (…)`. Every instance
    /// runs the same statements, so concurrent writers take the rows' locks table by
    /// table in one order, and within a table in key order. With `guard` (the one-statement
    /// batch), every clause writes only when the `k` clause inserted all `guard` keys.
    ///
    /// Mixing (see [`super::mix`]): the new responses are written together with the
    /// responses of their window — `before` and `after` neighbours in id order among the
    /// responses of the same wave, day and sample flag, taken cyclically — which are deleted
    /// and inserted again in the same command, all in one random order; every row of the
    /// batch's waves' running totals, question and day counts is rewritten (a zero gain
    /// where the batch adds nothing; these are bounded by the definitions), and the answer
    /// counts of every response of the group. So every row written here carries the same `xmin` and `cmin`,
    /// the new rows sit among the others in the heap, and no total says which response
    /// was the newest.
    fn walk_tables<'b>(
        &'b self,
        out: &mut AstPass<'_, 'b, Pg>,
        guard: Option<&'b i64>,
    ) -> QueryResult<()> {
        let mut out = out.reborrow();
        let guarded = |out: &mut AstPass<'_, 'b, Pg>, keyword: &str| -> QueryResult<()> {
            if let Some(n) = guard {
                out.push_sql(keyword);
                out.push_sql(" (SELECT count(*) FROM k) = ");
                out.push_bind_param::<BigInt, i64>(n)?;
                out.push_sql(" ");
            }
            Ok(())
        };
        let r = &self.responses;
        out.push_sql("nr AS (SELECT * FROM unnest(");
        array::<Text, _>(&mut out, &r.id, "::text[], ")?;
        array::<Text, _>(&mut out, &r.wave, "::text[], ")?;
        array::<Text, _>(&mut out, &r.channel, "::text[], ")?;
        array::<Text, _>(&mut out, &r.language, "::text[], ")?;
        array::<Date, _>(&mut out, &r.day, "::date[], ")?;
        array::<Bool, _>(&mut out, &r.in_sample, "::bool[], ")?;
        array::<Text, _>(&mut out, &r.answers, "::text[], ")?;
        array::<Integer, _>(&mut out, &r.before, "::int4[], ")?;
        array::<Integer, _>(&mut out, &r.after, "::int4[]) ")?;
        out.push_sql(
            "AS nr(id, wave_id, channel, language, submitted_on, in_sample, answers, b, a) ",
        );
        guarded(&mut out, "WHERE")?;
        out.push_sql("), ");
        // The window of each new response: `b` neighbours below it and `a` above it, in
        // id order among the responses of its wave, day and sample flag, wrapping around
        // at either end (so that near an end the window is as wide as elsewhere). They are
        // locked in key order before they are deleted, so that two instances rewriting
        // overlapping windows wait for each other instead of deadlocking.
        let window = super::mix::window_sql(
            "FROM responses x WHERE x.wave_id = nr.wave_id \
             AND x.submitted_on = nr.submitted_on AND x.in_sample = nr.in_sample",
            "id",
            "nr.id",
            "nr.b",
            "nr.a",
        );
        out.push_sql(&format!(
            "mx AS (SELECT DISTINCT nr.wave_id, w.id FROM nr CROSS JOIN LATERAL ({window}) w), "
        ));
        out.push_sql(
            "lk AS (SELECT x.wave_id, x.id FROM responses x \
             WHERE (x.wave_id, x.id) IN (SELECT wave_id, id FROM mx) \
             ORDER BY x.wave_id, x.id FOR UPDATE), \
             dl AS (DELETE FROM responses WHERE (wave_id, id) IN (SELECT wave_id, id FROM lk) \
             RETURNING id, wave_id, channel, language, submitted_on, in_sample, answers), \
             r AS (INSERT INTO responses \
             (id, wave_id, channel, language, submitted_on, in_sample, answers) \
             SELECT * FROM (SELECT id, wave_id, channel, language, submitted_on, in_sample, \
             answers FROM nr UNION ALL SELECT * FROM dl) z ORDER BY random()), ",
        );

        // The totals: the batch's gains, plus a zero gain for every row of its waves.
        let touch = &self.waves.wave;
        let s = &self.sums;
        out.push_sql(
            "s AS (INSERT INTO vision_score_sums AS t \
             (wave_id, vision_id, age_band, area, gender, channel, in_sample, \
             respondents, n, score_sum, score_sum_sq, top2_sum, top2_sum_sq) \
             SELECT wave_id, vision_id, age_band, area, gender, channel, in_sample, \
             sum(respondents)::int8, sum(n)::int8, sum(score_sum), sum(score_sum_sq), \
             sum(top2_sum), sum(top2_sum_sq) FROM (SELECT * FROM unnest(",
        );
        array::<Text, _>(&mut out, &s.wave, "::text[], ")?;
        array::<Text, _>(&mut out, &s.vision, "::text[], ")?;
        array::<Text, _>(&mut out, &s.age_band, "::text[], ")?;
        array::<Text, _>(&mut out, &s.area, "::text[], ")?;
        array::<Text, _>(&mut out, &s.gender, "::text[], ")?;
        array::<Text, _>(&mut out, &s.channel, "::text[], ")?;
        array::<Bool, _>(&mut out, &s.in_sample, "::bool[], ")?;
        array::<BigInt, _>(&mut out, &s.respondents, "::int8[], ")?;
        array::<BigInt, _>(&mut out, &s.n, "::int8[], ")?;
        array::<Double, _>(&mut out, &s.score_sum, "::float8[], ")?;
        array::<Double, _>(&mut out, &s.score_sum_sq, "::float8[], ")?;
        array::<Double, _>(&mut out, &s.top2_sum, "::float8[], ")?;
        array::<Double, _>(&mut out, &s.top2_sum_sq, "::float8[]) ")?;
        out.push_sql(
            "AS g(wave_id, vision_id, age_band, area, gender, channel, in_sample, \
             respondents, n, score_sum, score_sum_sq, top2_sum, top2_sum_sq) \
             UNION ALL SELECT wave_id, vision_id, age_band, area, gender, channel, in_sample, \
             0::int8, 0::int8, 0::float8, 0::float8, 0::float8, 0::float8 \
             FROM vision_score_sums WHERE wave_id = ANY(",
        );
        array::<Text, _>(&mut out, touch, "::text[])) x ")?;
        guarded(&mut out, "WHERE")?;
        out.push_sql(
            "GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7 \
             ON CONFLICT (wave_id, vision_id, age_band, area, gender, channel, in_sample) \
             DO UPDATE SET respondents = t.respondents + excluded.respondents, \
             n = t.n + excluded.n, score_sum = t.score_sum + excluded.score_sum, \
             score_sum_sq = t.score_sum_sq + excluded.score_sum_sq, \
             top2_sum = t.top2_sum + excluded.top2_sum, \
             top2_sum_sq = t.top2_sum_sq + excluded.top2_sum_sq), ",
        );

        let a = &self.answers;
        out.push_sql(
            "a AS (INSERT INTO answer_counts AS t (wave_id, question_id, value, in_sample, n) \
             SELECT wave_id, question_id, value, in_sample, sum(n)::int8 FROM (\
             SELECT * FROM unnest(",
        );
        array::<Text, _>(&mut out, &a.wave, "::text[], ")?;
        array::<Text, _>(&mut out, &a.question, "::text[], ")?;
        array::<Text, _>(&mut out, &a.value, "::text[], ")?;
        array::<Bool, _>(&mut out, &a.in_sample, "::bool[], ")?;
        array::<BigInt, _>(&mut out, &a.n, "::int8[]) ")?;
        // Answer counts grow with the free-text answers (one row per text), so not all of
        // them are rewritten: those of the rewritten neighbours' answers are, so that the
        // rows a batch writes are those of its whole group, not of its new responses.
        out.push_sql(
            "AS g(wave_id, question_id, value, in_sample, n) UNION ALL \
             SELECT m.wave_id, m.question_id, m.value, m.in_sample, 0::int8 \
             FROM (SELECT DISTINCT dl.wave_id, kv.key AS question_id, v.value, dl.in_sample \
             FROM dl CROSS JOIN LATERAL jsonb_each(dl.answers::jsonb) kv \
             CROSS JOIN LATERAL (SELECT kv.value #>> '{}' AS value \
             WHERE jsonb_typeof(kv.value) <> 'array' \
             UNION ALL SELECT jsonb_array_elements_text(kv.value) \
             WHERE jsonb_typeof(kv.value) = 'array') v) m \
             CROSS JOIN LATERAL (SELECT 1 FROM answer_counts c WHERE c.wave_id = m.wave_id \
             AND c.question_id = m.question_id AND c.value = m.value \
             AND c.in_sample = m.in_sample LIMIT 1) e) x ",
        );
        guarded(&mut out, "WHERE")?;
        out.push_sql(
            "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 \
             ON CONFLICT (wave_id, question_id, value, in_sample) \
             DO UPDATE SET n = t.n + excluded.n), ",
        );

        let q = &self.questions;
        out.push_sql(
            "q AS (INSERT INTO question_counts AS t \
             (wave_id, question_id, in_sample, respondents) \
             SELECT wave_id, question_id, in_sample, sum(respondents)::int8 FROM (\
             SELECT * FROM unnest(",
        );
        array::<Text, _>(&mut out, &q.wave, "::text[], ")?;
        array::<Text, _>(&mut out, &q.question, "::text[], ")?;
        array::<Bool, _>(&mut out, &q.in_sample, "::bool[], ")?;
        array::<BigInt, _>(&mut out, &q.respondents, "::int8[]) ")?;
        out.push_sql(
            "AS g(wave_id, question_id, in_sample, respondents) UNION ALL \
             SELECT wave_id, question_id, in_sample, 0::int8 FROM question_counts \
             WHERE wave_id = ANY(",
        );
        array::<Text, _>(&mut out, touch, "::text[])) x ")?;
        guarded(&mut out, "WHERE")?;
        out.push_sql(
            "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 \
             ON CONFLICT (wave_id, question_id, in_sample) \
             DO UPDATE SET respondents = t.respondents + excluded.respondents), ",
        );

        let d = &self.days;
        out.push_sql(
            "d AS (INSERT INTO day_counts AS t (wave_id, day, channel, in_sample, responses) \
             SELECT wave_id, day, channel, in_sample, sum(responses)::int8 FROM (\
             SELECT * FROM unnest(",
        );
        array::<Text, _>(&mut out, &d.wave, "::text[], ")?;
        array::<Date, _>(&mut out, &d.day, "::date[], ")?;
        array::<Text, _>(&mut out, &d.channel, "::text[], ")?;
        array::<Bool, _>(&mut out, &d.in_sample, "::bool[], ")?;
        array::<BigInt, _>(&mut out, &d.responses, "::int8[]) ")?;
        out.push_sql(
            "AS g(wave_id, day, channel, in_sample, responses) UNION ALL \
             SELECT wave_id, day, channel, in_sample, 0::int8 FROM day_counts \
             WHERE wave_id = ANY(",
        );
        array::<Text, _>(&mut out, touch, "::text[])) x ")?;
        guarded(&mut out, "WHERE")?;
        out.push_sql(
            "GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4 \
             ON CONFLICT (wave_id, day, channel, in_sample) \
             DO UPDATE SET responses = t.responses + excluded.responses), ",
        );

        let w = &self.waves;
        out.push_sql(
            "w AS (INSERT INTO wave_counts AS t (wave_id, responses) SELECT * FROM unnest(",
        );
        array::<Text, _>(&mut out, &w.wave, "::text[], ")?;
        array::<BigInt, _>(&mut out, &w.responses, "::int8[]) ")?;
        guarded(&mut out, "WHERE")?;
        out.push_sql(
            "ORDER BY 1 ON CONFLICT (wave_id) \
             DO UPDATE SET responses = t.responses + excluded.responses)",
        );
        Ok(())
    }

    /// Writes the whole batch — its keys first, then everything else — as ONE statement
    /// outside any transaction, on the condition that every key is new; returns the keys
    /// it inserted. When a key was stored before (a replayed form, or the same form
    /// through another instance) nothing else is written, and no error is raised (an
    /// error would put the statement and its time in the server's log): a key seen in
    /// the statement's snapshot stops every insert, and a key committed meanwhile by
    /// another instance is skipped, so the keys returned are then fewer than given and
    /// are this batch's own (the caller deletes them again in the transaction that
    /// stores the batch, `submit::store_batch_owning`). `keys` are
    /// `(key, wave id)` in the first random order; the rest was gathered as for
    /// [`Pass2::execute`].
    pub fn execute_if_all_new(
        self,
        conn: &mut PgConnection,
        keys: &[(&'a str, &'a str)],
    ) -> QueryResult<Vec<String>> {
        let (keys, waves): (Vec<_>, Vec<_>) = keys.iter().copied().unzip();
        let statement = AllNew {
            expected: keys.len() as i64,
            keys: NewKeys { keys, waves },
            rest: self,
        };
        statement.load(conn)
    }
}

/// [`Pass2::execute_if_all_new`]'s statement.
struct AllNew<'a> {
    keys: NewKeys<'a>,
    /// How many keys `keys` holds.
    expected: i64,
    rest: Pass2<'a>,
}

/// The statement cache's key of [`AllNew`].
pub struct AllNewId;

impl QueryId for AllNew<'_> {
    type QueryId = AllNewId;
    const HAS_STATIC_QUERY_ID: bool = true;
}

impl RunQueryDsl<PgConnection> for AllNew<'_> {}

impl Query for AllNew<'_> {
    type SqlType = Text;
}

impl QueryFragment<Pg> for AllNew<'_> {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Pg>) -> QueryResult<()> {
        // The keys go in only when none of them is in the statement's snapshot; the other
        // clauses write only when all of them went in.
        out.push_sql("WITH k AS (INSERT INTO submission_keys (key, wave_id) SELECT * FROM unnest(");
        array::<Text, _>(&mut out, &self.keys.keys, "::text[], ")?;
        array::<Text, _>(
            &mut out,
            &self.keys.waves,
            "::text[]) WHERE NOT EXISTS (SELECT 1 FROM submission_keys WHERE key = ANY(",
        )?;
        array::<Text, _>(
            &mut out,
            &self.keys.keys,
            "::text[])) ON CONFLICT DO NOTHING RETURNING key), ",
        )?;
        self.rest.walk_tables(&mut out, Some(&self.expected))?;
        out.push_sql(" SELECT key FROM k");
        Ok(())
    }
}
