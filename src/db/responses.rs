//! Responses and their answers.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use uuid::Uuid;

use super::schema::{answers, responses, submission_keys};
use crate::domain::{AnswerValue, Answers};

/// How a response reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Web,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
        }
    }
}

/// What storing a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new response was committed.
    New,
    /// This form's key was used before: nothing was written.
    Replay,
}

/// Stores a response and its answers in one transaction, together with the form's one-time
/// key; returns only after commit. A key already used stores nothing.
pub fn store(
    conn: &mut SqliteConnection,
    wave_id: &str,
    channel: Channel,
    submitted_on: NaiveDate,
    submission: &Answers,
) -> QueryResult<Stored> {
    // IMMEDIATE takes the write lock up front, so concurrent submissions queue on the busy
    // timeout instead of failing on a lock upgrade.
    conn.immediate_transaction(|conn| {
        let inserted = diesel::insert_into(submission_keys::table)
            .values((
                submission_keys::key.eq(submission.key.as_string()),
                submission_keys::wave_id.eq(wave_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        if inserted == 0 {
            return Ok(Stored::Replay);
        }
        let id = Uuid::new_v4().hyphenated().to_string();
        diesel::insert_into(responses::table)
            .values((
                responses::id.eq(&id),
                responses::wave_id.eq(wave_id),
                responses::channel.eq(channel.code()),
                responses::language.eq(submission.lang.code()),
                responses::submitted_on.eq(submitted_on),
            ))
            .execute(conn)?;
        let rows: Vec<_> = submission
            .values
            .iter()
            .flat_map(|(question, value)| answer_rows(&id, question, value))
            .collect();
        diesel::insert_into(answers::table)
            .values(&rows)
            .execute(conn)?;
        Ok(Stored::New)
    })
}

type AnswerRow<'a> = (
    diesel::dsl::Eq<answers::response_id, &'a str>,
    diesel::dsl::Eq<answers::question_id, &'a str>,
    diesel::dsl::Eq<answers::position, i32>,
    diesel::dsl::Eq<answers::value, String>,
);

fn answer_rows<'a>(id: &'a str, question: &'a str, value: &AnswerValue) -> Vec<AnswerRow<'a>> {
    value
        .stored_values()
        .into_iter()
        .enumerate()
        .map(|(position, v)| {
            (
                answers::response_id.eq(id),
                answers::question_id.eq(question),
                answers::position.eq(position as i32),
                answers::value.eq(v),
            )
        })
        .collect()
}

pub fn count(conn: &mut SqliteConnection, wave_id: &str) -> QueryResult<i64> {
    responses::table
        .filter(responses::wave_id.eq(wave_id))
        .count()
        .get_result(conn)
}

/// Calls `f(response_id, question_id, value)` for every answer of the wave to the given
/// questions, grouped by response, streaming rows rather than loading them all.
pub fn for_each_answer(
    conn: &mut SqliteConnection,
    wave_id: &str,
    question_ids: &[&str],
    mut f: impl FnMut(&str, &str, &str),
) -> QueryResult<()> {
    let rows = answers::table
        .inner_join(responses::table)
        .filter(responses::wave_id.eq(wave_id))
        .filter(answers::question_id.eq_any(question_ids))
        .order(answers::response_id)
        .select((answers::response_id, answers::question_id, answers::value))
        .load_iter::<(String, String, String), diesel::connection::DefaultLoadingMode>(conn)?;
    for row in rows {
        let (response, question, value) = row?;
        f(&response, &question, &value);
    }
    Ok(())
}
