//! Access codes of postal waves: hashes only, with the wave and a `used` flag. Nothing
//! here refers to a person, a response, a time or an order of generation.

use diesel::prelude::*;

use super::schema::{access_codes, responses};
use super::{Conn, DbConnection};
use crate::domain::{AccessCode, Channel};

/// Stores the hashes of new codes for a wave in one transaction, in hash order (so that
/// neither SQLite's key order nor PostgreSQL's physical order says which came first).
pub fn insert(conn: &mut Conn, wave_id: &str, codes: &[AccessCode]) -> QueryResult<()> {
    let mut hashes: Vec<String> = codes.iter().map(AccessCode::hash).collect();
    hashes.sort_unstable();
    conn.transaction(|conn| {
        // 3 columns a row: 5,000 rows stay under SQLite's 32,766 bound variables.
        for chunk in hashes.chunks(5_000) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|h| {
                    (
                        access_codes::code_hash.eq(h.as_str()),
                        access_codes::wave_id.eq(wave_id),
                    )
                })
                .collect();
            let insert = diesel::insert_into(access_codes::table).values(&rows);
            match conn {
                DbConnection::Sqlite(c) => insert.execute(c)?,
                DbConnection::Postgresql(c) => insert.execute(c)?,
            };
        }
        Ok(())
    })
}

/// What the database knows of a code: its wave and whether it has been used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeHolder {
    pub wave_id: String,
    pub used: bool,
}

pub fn find(conn: &mut Conn, code: &AccessCode) -> QueryResult<Option<CodeHolder>> {
    access_codes::table
        .find(code.hash())
        .select((access_codes::wave_id, access_codes::used))
        .first::<(String, bool)>(conn)
        .optional()
        .map(|r| r.map(|(wave_id, used)| CodeHolder { wave_id, used }))
}

/// Marks an issued, unused code of the wave as used; false when it is unknown, of another
/// wave or already used. Call inside the transaction that stores the response: a
/// concurrent use of the same code waits on the row and then finds it used.
pub fn mark_used(conn: &mut Conn, wave_id: &str, code: &AccessCode) -> QueryResult<bool> {
    let updated = diesel::update(
        access_codes::table
            .find(code.hash())
            .filter(access_codes::wave_id.eq(wave_id))
            .filter(access_codes::used.eq(false)),
    )
    .set(access_codes::used.eq(true))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The 回収状況 of a code wave: codes issued and used, responses by channel in and
/// beside the sample.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CodeStatus {
    pub issued: i64,
    pub used: i64,
    /// Sample responses through a code on the web.
    pub web: i64,
    /// Sample responses keyed from paper.
    pub paper: i64,
    /// Answers through the open link, not part of the sample.
    pub open: i64,
}

impl CodeStatus {
    /// Answered ÷ issued, in percent (None before any code is issued).
    pub fn rate(&self, answered: i64) -> Option<f64> {
        (self.issued > 0).then(|| answered as f64 * 100.0 / self.issued as f64)
    }
}

pub fn status(conn: &mut Conn, wave_id: &str) -> QueryResult<CodeStatus> {
    let codes: Vec<(bool, i64)> = access_codes::table
        .filter(access_codes::wave_id.eq(wave_id))
        .group_by(access_codes::used)
        .select((access_codes::used, diesel::dsl::count_star()))
        .load(conn)?;
    let by_channel: Vec<(String, bool, i64)> = responses::table
        .filter(responses::wave_id.eq(wave_id))
        .group_by((responses::channel, responses::in_sample))
        .select((
            responses::channel,
            responses::in_sample,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut s = CodeStatus::default();
    for (used, n) in codes {
        s.issued += n;
        if used {
            s.used += n;
        }
    }
    for (channel, in_sample, n) in by_channel {
        match (Channel::parse(&channel), in_sample) {
            (_, false) => s.open += n,
            (Some(Channel::Paper), true) => s.paper += n,
            (Some(_), true) => s.web += n,
            (None, true) => {}
        }
    }
    Ok(s)
}
