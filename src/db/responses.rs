//! Responses and their answers.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use uuid::Uuid;

use super::schema::{answers, responses, submission_keys};
use super::scores::ScorePlan;
use super::{Conn, DbConnection};
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
    /// The invitation token is unknown or already used: nothing was written.
    TokenRefused,
}

/// Stores a response, its answers and its derived vision scores ([`super::scores`]) in one
/// transaction, together with the form's one-time key and, on invitation-only waves,
/// marking the invitation answered; returns only after commit. A key already used, or a
/// token that cannot be used, stores nothing.
pub fn store(
    conn: &mut Conn,
    plan: &ScorePlan,
    channel: Channel,
    submitted_on: NaiveDate,
    submission: &Answers,
    invitation_token: Option<&str>,
) -> QueryResult<Stored> {
    let wave_id = plan.wave_id.as_str();
    let key = submission.key.as_string();
    // The key goes in first: on SQLite the write lock is taken by the first statement, so
    // concurrent submissions queue on the busy timeout; on PostgreSQL a concurrent insert
    // of the same key waits for the first transaction and then fails as a duplicate.
    let result = conn.transaction(|conn| {
        diesel::insert_into(submission_keys::table)
            .values((
                submission_keys::key.eq(&key),
                submission_keys::wave_id.eq(wave_id),
            ))
            .execute(conn)?;
        if let Some(token) = invitation_token
            && !super::invitations::mark_answered(conn, wave_id, token)?
        {
            return Err(Error::RollbackTransaction);
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
        let stored: Vec<(&str, String)> = submission
            .values
            .iter()
            .flat_map(|(q, v)| v.stored_values().into_iter().map(move |v| (q.as_str(), v)))
            .collect();
        let derived = plan.rows(stored.iter().map(|(q, v)| (*q, v.as_str())));
        super::scores::insert(conn, wave_id, &[(&id, channel.code(), &derived)])?;
        super::scores::add_to_sums(conn, wave_id, channel.code(), &derived)?;
        // One multi-row INSERT; diesel's multi-backend connection does not build batch
        // inserts, so the statement is run on the concrete connection.
        if rows.is_empty() {
            return Ok(());
        }
        let insert = diesel::insert_into(answers::table).values(&rows);
        match conn {
            DbConnection::Sqlite(c) => insert.execute(c)?,
            DbConnection::Postgresql(c) => insert.execute(c)?,
        };
        Ok(())
    });
    match result {
        Ok(()) => Ok(Stored::New),
        Err(Error::RollbackTransaction) => Ok(Stored::TokenRefused),
        // The transaction rolled back; if the key is there, this form was stored before.
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info)) => {
            let used: i64 = submission_keys::table
                .filter(submission_keys::key.eq(&key))
                .count()
                .get_result(conn)?;
            if used == 1 {
                Ok(Stored::Replay)
            } else {
                Err(Error::DatabaseError(
                    DatabaseErrorKind::UniqueViolation,
                    info,
                ))
            }
        }
        Err(e) => Err(e),
    }
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

pub fn count(conn: &mut Conn, wave_id: &str) -> QueryResult<i64> {
    responses::table
        .filter(responses::wave_id.eq(wave_id))
        .count()
        .get_result(conn)
}

/// Runs `$body` for each row of `$query`, streaming on both backends (PostgreSQL row by
/// row, rather than its default of loading the whole result first).
macro_rules! each_row {
    ($conn:expr, $query:expr, $ty:ty, |$row:ident| $body:block) => {
        match $conn {
            DbConnection::Sqlite(c) => {
                for r in $query.load_iter::<$ty, diesel::connection::DefaultLoadingMode>(c)? {
                    let $row = r?;
                    $body
                }
            }
            DbConnection::Postgresql(c) => {
                for r in $query.load_iter::<$ty, diesel::pg::PgRowByRowLoadingMode>(c)? {
                    let $row = r?;
                    $body
                }
            }
        }
    };
}

/// `(question id, stored value, how many answers)` over the wave's answers to the questions.
pub fn value_counts(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
) -> QueryResult<Vec<(String, String, i64)>> {
    answers::table
        .inner_join(responses::table)
        .filter(responses::wave_id.eq(wave_id))
        .filter(answers::question_id.eq_any(question_ids))
        .group_by((answers::question_id, answers::value))
        .select((
            answers::question_id,
            answers::value,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// `(question id, respondents who answered it)` over the given questions.
pub fn respondents_per_question(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
) -> QueryResult<Vec<(String, i64)>> {
    // Position 0 exists exactly once per answered question and response.
    answers::table
        .inner_join(responses::table)
        .filter(responses::wave_id.eq(wave_id))
        .filter(answers::question_id.eq_any(question_ids))
        .filter(answers::position.eq(0))
        .group_by(answers::question_id)
        .select((answers::question_id, diesel::dsl::count_star()))
        .load(conn)
}

/// One response as the `responses` export sees it.
#[derive(Debug, Default)]
pub struct ResponseAnswers {
    pub channel: String,
    pub language: String,
    /// `(question id, value)`, several for a multiple-choice question.
    pub answers: Vec<(String, String)>,
}

/// Calls `f` once per response of the wave (in the order of their random ids) with its
/// answers to the given questions, streaming: one response is held at a time.
pub fn for_each_response<E: From<Error>>(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    mut f: impl FnMut(&ResponseAnswers) -> Result<(), E>,
) -> Result<(), E> {
    let mut current: Option<String> = None;
    let mut response = ResponseAnswers::default();
    each_row!(
        conn,
        responses::table
            .left_join(
                answers::table.on(answers::response_id
                    .eq(responses::id)
                    .and(answers::question_id.eq_any(question_ids))),
            )
            .filter(responses::wave_id.eq(wave_id))
            .order(responses::id)
            .select((
                responses::id,
                responses::channel,
                responses::language,
                answers::question_id.nullable(),
                answers::value.nullable(),
            )),
        (String, String, String, Option<String>, Option<String>),
        |row| {
            let (id, channel, language, question, value) = row;
            if current.as_deref() != Some(id.as_str()) {
                if current.is_some() {
                    f(&response)?;
                }
                current = Some(id);
                response.channel = channel;
                response.language = language;
                response.answers.clear();
            }
            if let (Some(q), Some(v)) = (question, value) {
                response.answers.push((q, v));
            }
        }
    );
    if current.is_some() {
        f(&response)?;
    }
    Ok(())
}

/// Calls `f(question id, value)` for every answer of the wave to the given (free-text)
/// questions, by question, streaming.
pub fn for_each_text<E: From<Error>>(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    mut f: impl FnMut(&str, &str) -> Result<(), E>,
) -> Result<(), E> {
    each_row!(
        conn,
        answers::table
            .inner_join(responses::table)
            .filter(responses::wave_id.eq(wave_id))
            .filter(answers::question_id.eq_any(question_ids))
            .order((answers::question_id, answers::response_id))
            .select((answers::question_id, answers::value)),
        (String, String),
        |row| {
            f(&row.0, &row.1)?;
        }
    );
    Ok(())
}
