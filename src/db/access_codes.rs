//! Access codes of postal waves: hashes only, with the wave, the mailing (the numbered
//! `codes generate` batch) they were made in, a `used` flag and, for a code voided before
//! use, the reason. Nothing here refers to a person, a response, a time or an order of
//! generation within a mailing; a code's row never names its response (a response's row
//! names no code, see `submit`), so voiding or counting by mailing pairs nothing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{access_codes, mailings};
use super::{Conn, DbConnection};
use crate::domain::AccessCode;

/// Why a code was voided before it was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum VoidReason {
    /// Printed but never mailed (spares, misprints): not part of the number mailed.
    Spare,
    /// Mailed and returned undelivered (あて所に尋ねあたりません, 転居先不明): mailed, but
    /// out of the response-rate denominator.
    Undeliverable,
}

impl VoidReason {
    pub const ALL: [VoidReason; 2] = [VoidReason::Spare, VoidReason::Undeliverable];

    pub fn code(self) -> &'static str {
        match self {
            VoidReason::Spare => "spare",
            VoidReason::Undeliverable => "undeliverable",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == s.trim())
    }
}

/// A numbered mailing of a wave (one `codes generate`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailing {
    pub number: i32,
    pub label: String,
    pub generated_on: NaiveDate,
    /// Made with `--rehearsal`: its codes are not counted (issued, mailed, used).
    pub rehearsal: bool,
}

/// Records the wave's next mailing (1, 2, …) and returns it; `label` defaults to
/// "mailing N". Call in the transaction that inserts its codes.
pub fn new_mailing(
    conn: &mut Conn,
    wave_id: &str,
    label: Option<&str>,
    day: NaiveDate,
    rehearsal: bool,
) -> QueryResult<Mailing> {
    let last: Option<i32> = mailings::table
        .filter(mailings::wave_id.eq(wave_id))
        .select(diesel::dsl::max(mailings::mailing))
        .first(conn)?;
    let number = last.unwrap_or(0) + 1;
    let label = label.map_or_else(|| format!("mailing {number}"), str::to_string);
    diesel::insert_into(mailings::table)
        .values((
            mailings::wave_id.eq(wave_id),
            mailings::mailing.eq(number),
            mailings::label.eq(&label),
            mailings::generated_on.eq(day),
            mailings::rehearsal.eq(rehearsal),
        ))
        .execute(conn)?;
    Ok(Mailing {
        number,
        label,
        generated_on: day,
        rehearsal,
    })
}

/// The wave's mailings, by number.
pub fn mailings(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<Mailing>> {
    Ok(mailings::table
        .filter(mailings::wave_id.eq(wave_id))
        .order(mailings::mailing)
        .select((
            mailings::mailing,
            mailings::label,
            mailings::generated_on,
            mailings::rehearsal,
        ))
        .load::<(i32, String, NaiveDate, bool)>(conn)?
        .into_iter()
        .map(|(number, label, generated_on, rehearsal)| Mailing {
            number,
            label,
            generated_on,
            rehearsal,
        })
        .collect())
}

/// Stores the hashes of new codes for a wave and mailing, in hash order (so that neither
/// SQLite's key order nor PostgreSQL's physical order says which came first). Call in a
/// transaction (with [`new_mailing`]).
pub fn insert(
    conn: &mut Conn,
    wave_id: &str,
    mailing: i32,
    codes: &[AccessCode],
) -> QueryResult<()> {
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
                        access_codes::mailing.eq(mailing),
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

/// A code as residents and operators meet it: a voided code is unknown (it was never
/// mailed, or its letter came back).
pub fn find(conn: &mut Conn, code: &AccessCode) -> QueryResult<Option<CodeHolder>> {
    access_codes::table
        .find(code.hash())
        .filter(access_codes::void_reason.is_null())
        .select((access_codes::wave_id, access_codes::used))
        .first::<(String, bool)>(conn)
        .optional()
        .map(|r| r.map(|(wave_id, used)| CodeHolder { wave_id, used }))
}

/// Everything stored of a code, for the operator's commands (`codes sheet`, `codes void`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    pub wave_id: String,
    pub used: bool,
    pub mailing: i32,
    pub void_reason: Option<String>,
}

/// The stored rows of the given codes, by hash (absent: never issued here).
pub fn lookup(conn: &mut Conn, codes: &[AccessCode]) -> QueryResult<BTreeMap<String, CodeRow>> {
    let hashes: Vec<String> = codes.iter().map(AccessCode::hash).collect();
    let mut found = BTreeMap::new();
    for chunk in hashes.chunks(1_000) {
        let rows: Vec<(String, String, bool, i32, Option<String>)> = access_codes::table
            .filter(access_codes::code_hash.eq_any(chunk))
            .select((
                access_codes::code_hash,
                access_codes::wave_id,
                access_codes::used,
                access_codes::mailing,
                access_codes::void_reason,
            ))
            .load(conn)?;
        for (hash, wave_id, used, mailing, void_reason) in rows {
            found.insert(
                hash,
                CodeRow {
                    wave_id,
                    used,
                    mailing,
                    void_reason,
                },
            );
        }
    }
    Ok(found)
}

/// Voids unused, unvoided codes of the wave (by hash), all or none: returns how many were
/// voided, or nothing when one of them could not be (the caller checked them first with
/// [`lookup`]; a code used in between makes the whole void fail).
pub fn void(
    conn: &mut Conn,
    wave_id: &str,
    hashes: &[String],
    reason: VoidReason,
) -> QueryResult<Option<usize>> {
    conn.transaction(|conn| {
        let mut sorted: Vec<&str> = hashes.iter().map(String::as_str).collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut n = 0;
        for chunk in sorted.chunks(1_000) {
            n += diesel::update(
                access_codes::table
                    .filter(access_codes::code_hash.eq_any(chunk))
                    .filter(access_codes::wave_id.eq(wave_id))
                    .filter(access_codes::used.eq(false))
                    .filter(access_codes::void_reason.is_null()),
            )
            .set(access_codes::void_reason.eq(reason.code()))
            .execute(conn)?;
        }
        if n == sorted.len() {
            Ok(Some(n))
        } else {
            Err(diesel::result::Error::RollbackTransaction)
        }
    })
    .or_else(|e| match e {
        diesel::result::Error::RollbackTransaction => Ok(None),
        e => Err(e),
    })
}

/// Marks an issued, unused, unvoided code of the wave as used; false when it is unknown,
/// of another wave, voided or already used. Call inside the transaction that stores the response: a
/// concurrent use of the same code waits on the row and then finds it used.
pub fn mark_used(conn: &mut Conn, wave_id: &str, code: &AccessCode) -> QueryResult<bool> {
    let updated = diesel::update(
        access_codes::table
            .find(code.hash())
            .filter(access_codes::wave_id.eq(wave_id))
            .filter(access_codes::used.eq(false))
            .filter(access_codes::void_reason.is_null()),
    )
    .set(access_codes::used.eq(true))
    .execute(conn)?;
    Ok(updated == 1)
}

/// The codes of one mailing of a wave: issued, voided by reason, used.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CodeTally {
    pub issued: i64,
    pub spare: i64,
    pub undeliverable: i64,
    pub used: i64,
}

/// Per mailing number, the wave's codes (a few rows: one per mailing, flag and reason).
pub fn tally(conn: &mut Conn, wave_id: &str) -> QueryResult<BTreeMap<i32, CodeTally>> {
    let rows: Vec<(i32, bool, Option<String>, i64)> = access_codes::table
        .filter(access_codes::wave_id.eq(wave_id))
        .group_by((
            access_codes::mailing,
            access_codes::used,
            access_codes::void_reason,
        ))
        .select((
            access_codes::mailing,
            access_codes::used,
            access_codes::void_reason,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut out: BTreeMap<i32, CodeTally> = BTreeMap::new();
    for (mailing, used, reason, n) in rows {
        let t = out.entry(mailing).or_default();
        t.issued += n;
        if used {
            t.used += n;
        }
        match reason.as_deref().and_then(VoidReason::parse) {
            Some(VoidReason::Spare) => t.spare += n,
            Some(VoidReason::Undeliverable) => t.undeliverable += n,
            None => {}
        }
    }
    Ok(out)
}
