//! Counts for the analyst dashboard: responses per day and channel, answers per question.
//! Counts only; no answer values leave these queries.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::Conn;

/// `(day, channel, in the sample, responses)` for the wave, by day then channel: from the
/// counts the writer keeps ([`super::counts`]).
pub fn responses_by_day(
    conn: &mut Conn,
    wave_id: &str,
) -> QueryResult<Vec<(NaiveDate, String, bool, i64)>> {
    super::counts::ensure_current(conn, wave_id)?;
    super::counts::by_day(conn, wave_id)
}

/// `(question id, responses that answered it)` for every question answered at least once
/// (sample and open answers together), from the kept counts.
pub fn answered_per_question(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<(String, i64)>> {
    use super::schema::question_counts as q;
    super::counts::ensure_current(conn, wave_id)?;
    let rows: Vec<(String, i64)> = q::table
        .filter(q::wave_id.eq(wave_id))
        .select((q::question_id, q::respondents))
        .load(conn)?;
    let mut merged: std::collections::BTreeMap<String, i64> = Default::default();
    for (question, n) in rows {
        *merged.entry(question).or_default() += n;
    }
    Ok(merged.into_iter().collect())
}
