//! Counts for the analyst dashboard: responses per day and channel, answers per question.
//! Counts only; no answer values leave these queries.

use chrono::NaiveDate;
use diesel::dsl::{count, count_star};
use diesel::prelude::*;

use super::Conn;
use super::schema::{answers, responses};

/// `(day, channel, in the sample, responses)` for the wave, by day then channel.
pub fn responses_by_day(
    conn: &mut Conn,
    wave_id: &str,
) -> QueryResult<Vec<(NaiveDate, String, bool, i64)>> {
    responses::table
        .filter(responses::wave_id.eq(wave_id))
        .group_by((
            responses::submitted_on,
            responses::channel,
            responses::in_sample,
        ))
        .select((
            responses::submitted_on,
            responses::channel,
            responses::in_sample,
            count_star(),
        ))
        .order((
            responses::submitted_on,
            responses::channel,
            responses::in_sample,
        ))
        .load(conn)
}

/// `(question id, responses that answered it)` for every question answered at least once.
pub fn answered_per_question(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<(String, i64)>> {
    answers::table
        .inner_join(responses::table)
        .filter(responses::wave_id.eq(wave_id))
        .group_by(answers::question_id)
        .select((
            answers::question_id,
            count(answers::response_id).aggregate_distinct(),
        ))
        .load(conn)
}
