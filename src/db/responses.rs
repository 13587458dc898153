//! Responses and their answers.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use uuid::Uuid;

use super::schema::{answers, responses, submission_keys};
use super::scores::ScorePlan;
use super::{Conn, DbConnection};
use crate::domain::{AccessCode, AnswerValue, Answers, Scope};

pub use crate::domain::Channel;

/// The one-time credential a response is given through, used up in the same transaction.
#[derive(Debug, Clone, Copy)]
pub enum Credential<'a> {
    /// An e-mail invitation's token (invitation-only waves).
    Invitation(&'a str),
    /// An access code from a letter (code waves).
    Code(&'a AccessCode),
}

/// Where a response comes from: its channel, whether it is part of the wave's sample,
/// and the credential it uses up (if any).
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    pub channel: Channel,
    pub in_sample: bool,
    pub credential: Option<Credential<'a>>,
}

impl Origin<'static> {
    /// A web answer on an open wave: no credential, part of the (only) sample.
    pub fn open_web() -> Self {
        Origin {
            channel: Channel::Web,
            in_sample: true,
            credential: None,
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
    /// The invitation token or access code is unknown or already used: nothing was
    /// written.
    CredentialRefused,
}

/// Stores a response, its answers and its derived vision scores ([`super::scores`]) in one
/// transaction, together with the form's one-time key and marking the credential
/// (invitation or access code) used; returns only after commit. A key already used, or a
/// credential that cannot be used, stores nothing.
pub fn store(
    conn: &mut Conn,
    plan: &ScorePlan,
    origin: Origin<'_>,
    submitted_on: NaiveDate,
    submission: &Answers,
) -> QueryResult<Stored> {
    let channel = origin.channel;
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
        let credential_ok = match origin.credential {
            None => true,
            Some(Credential::Invitation(token)) => {
                super::invitations::mark_answered(conn, wave_id, token)?
            }
            Some(Credential::Code(code)) => super::access_codes::mark_used(conn, wave_id, code)?,
        };
        if !credential_ok {
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
                responses::in_sample.eq(origin.in_sample),
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
        let tags = super::scores::Tags {
            channel: channel.code(),
            in_sample: origin.in_sample,
        };
        super::scores::insert(conn, wave_id, &[(&id, tags, &derived)])?;
        super::scores::add_to_sums(conn, wave_id, tags, &derived)?;
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
        Err(Error::RollbackTransaction) => Ok(Stored::CredentialRefused),
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

/// `(by post, online)`: the wave's responses on paper, and on the web or through e-mail
/// links.
pub fn count_by_channel(conn: &mut Conn, wave_id: &str) -> QueryResult<(i64, i64)> {
    let rows: Vec<(String, i64)> = responses::table
        .filter(responses::wave_id.eq(wave_id))
        .group_by(responses::channel)
        .select((responses::channel, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.iter().fold((0, 0), |(paper, online), (channel, n)| {
        if channel == Channel::Paper.code() {
            (paper + n, online)
        } else {
            (paper, online + n)
        }
    }))
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
/// Within `scope`.
pub fn value_counts(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    scope: Scope,
) -> QueryResult<Vec<(String, String, i64)>> {
    answers::table
        .inner_join(responses::table)
        .filter(responses::wave_id.eq(wave_id))
        .filter(responses::in_sample.eq_any(scope.sample_flags()))
        .filter(answers::question_id.eq_any(question_ids))
        .group_by((answers::question_id, answers::value))
        .select((
            answers::question_id,
            answers::value,
            diesel::dsl::count_star(),
        ))
        .load(conn)
}

/// `(question id, respondents who answered it)` over the given questions, within `scope`.
pub fn respondents_per_question(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    scope: Scope,
) -> QueryResult<Vec<(String, i64)>> {
    // Position 0 exists exactly once per answered question and response.
    answers::table
        .inner_join(responses::table)
        .filter(responses::wave_id.eq(wave_id))
        .filter(responses::in_sample.eq_any(scope.sample_flags()))
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
    pub in_sample: bool,
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
                responses::in_sample,
                answers::question_id.nullable(),
                answers::value.nullable(),
            )),
        (String, String, String, bool, Option<String>, Option<String>),
        |row| {
            let (id, channel, language, in_sample, question, value) = row;
            if current.as_deref() != Some(id.as_str()) {
                if current.is_some() {
                    f(&response)?;
                }
                current = Some(id);
                response.channel = channel;
                response.language = language;
                response.in_sample = in_sample;
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
