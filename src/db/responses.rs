//! Reads of the stored responses: the `responses` export's stream, the comments' texts,
//! and the pages of stored answers that rebuild the kept totals. The write path is
//! `submit`; the counts read by the dashboard and exports are `counts`.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::Error;

use super::schema::responses;
use super::{Conn, DbConnection};
use crate::domain::stored;

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

/// The `(question id, value)` pairs of a stored answers text ([`stored::decode`]), a text
/// that is not one being a database deserialization error.
pub fn decode(text: &str) -> Result<Vec<stored::Pair<'_>>, Error> {
    stored::decode(text).map_err(|e| Error::DeserializationError(Box::new(e)))
}

/// One stored response as the `responses` export reads it: its answers still as the
/// stored text ([`stored`]), so that the export decides where they are decoded.
#[derive(Debug)]
pub struct RawResponse<'a> {
    pub channel: &'a str,
    pub language: &'a str,
    pub in_sample: bool,
    pub answers: &'a str,
}

/// Calls `f` once per response of the wave, in the order of their random ids, streaming:
/// one response is held at a time.
pub fn for_each_response<E: From<Error>>(
    conn: &mut Conn,
    wave_id: &str,
    mut f: impl FnMut(&RawResponse<'_>) -> Result<(), E>,
) -> Result<(), E> {
    each_row!(
        conn,
        responses::table
            .filter(responses::wave_id.eq(wave_id))
            .order(responses::id)
            .select((
                responses::channel,
                responses::language,
                responses::in_sample,
                responses::answers,
            )),
        (String, String, bool, String),
        |row| {
            let (channel, language, in_sample, answers) = row;
            f(&RawResponse {
                channel: &channel,
                language: &language,
                in_sample,
                answers: &answers,
            })?;
        }
    );
    Ok(())
}

/// Calls `f(question id, value)` for every answer of the wave to the given (free-text)
/// questions, by question (in id order), then in the order of the random response ids,
/// streaming: one pass over the wave's responses per question.
pub fn for_each_text<E: From<Error>>(
    conn: &mut Conn,
    wave_id: &str,
    question_ids: &[&str],
    mut f: impl FnMut(&str, &str) -> Result<(), E>,
) -> Result<(), E> {
    let mut questions = question_ids.to_vec();
    questions.sort_unstable();
    questions.dedup();
    for question in questions {
        let needle = serde_json::to_string(question).expect("a string serializes");
        each_row!(
            conn,
            responses::table
                .filter(responses::wave_id.eq(wave_id))
                .order(responses::id)
                .select(responses::answers),
            String,
            |text| {
                // Most responses leave a free-text question blank: only a text that holds
                // the question's key (as the key, or inside some value) is decoded.
                if text.contains(needle.as_str()) {
                    for (q, v) in decode(&text)? {
                        if q == question {
                            f(question, &v)?;
                        }
                    }
                }
            }
        );
    }
    Ok(())
}

/// A stored response as the kept totals and counts are rebuilt from.
#[derive(Debug, Queryable)]
pub struct StoredRow {
    pub id: String,
    pub channel: String,
    pub in_sample: bool,
    pub submitted_on: NaiveDate,
    /// The stored text ([`stored`]); see [`StoredRow::answers`].
    pub text: String,
}

impl StoredRow {
    /// `(question id, stored value)`, several for a multiple-choice answer.
    pub fn answers(&self) -> QueryResult<Vec<stored::Pair<'_>>> {
        decode(&self.text)
    }
}

/// Up to `limit` responses of the wave whose id comes after `after`, in id order: a
/// rebuild reads the wave a page at a time, so memory stays bounded and the connection
/// is free between pages for the rebuild's own writes.
pub fn stored_page(
    conn: &mut Conn,
    wave_id: &str,
    after: &str,
    limit: i64,
) -> QueryResult<Vec<StoredRow>> {
    responses::table
        .filter(responses::wave_id.eq(wave_id))
        .filter(responses::id.gt(after))
        .order(responses::id)
        .select((
            responses::id,
            responses::channel,
            responses::in_sample,
            responses::submitted_on,
            responses::answers,
        ))
        .limit(limit)
        .load(conn)
}

/// Rewrites one question's answer in every response of a wave that holds it, as
/// `f(old) → new` (the retention rule of the comments: the original text replaced by its
/// masked text, docs/free-text.md); nothing else of a response changes. Rows are updated one
/// at a time in a random order, so that the rewrite orders nothing; call inside a
/// transaction. Returns how many responses changed.
pub fn rewrite_answers(
    conn: &mut Conn,
    wave_id: &str,
    question_id: &str,
    mut f: impl FnMut(&str) -> String,
) -> Result<usize, Error> {
    let needle = serde_json::to_string(question_id).expect("a string serializes");
    let rows: Vec<(String, String)> = responses::table
        .filter(responses::wave_id.eq(wave_id))
        .select((responses::id, responses::answers))
        .load(conn)?;
    let mut changes: Vec<(String, String)> = Vec::new();
    for (id, text) in &rows {
        if !text.contains(needle.as_str()) {
            continue;
        }
        let pairs = decode(text)?;
        let mut changed = false;
        let new: Vec<(String, String)> = pairs
            .iter()
            .map(|(q, v)| {
                if q == question_id {
                    let n = f(v);
                    changed |= n != *v;
                    (q.to_string(), n)
                } else {
                    (q.to_string(), v.to_string())
                }
            })
            .collect();
        if changed {
            changes.push((id.clone(), stored::encode_pairs(&new)));
        }
    }
    for i in super::shuffle::shuffled(changes.len()) {
        let (id, answers) = &changes[i];
        diesel::update(responses::table.filter(responses::id.eq(id)))
            .set(responses::answers.eq(answers))
            .execute(conn)?;
    }
    Ok(changes.len())
}
