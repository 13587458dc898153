//! Paper sheets waiting for their second (blind) entry or for a resolution. A row lives only
//! until its sheet becomes a response: [`crate::paper`] deletes it in the transaction that
//! stores the response. Keyed by the access code's hash; the ids of the operators who
//! keyed the two entries are kept until then, so that neither resolves the sheet.

use diesel::prelude::*;

use super::Conn;
use super::schema::paper_sheets;

/// A pending sheet: the entries as JSON maps of operator codes (see [`crate::paper::Sheet`]).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct PendingSheet {
    pub wave_id: String,
    pub first_entry: String,
    /// The analyst id of the first entry's operator.
    pub first_operator: Option<String>,
    /// Set when the second entry disagreed with the first.
    pub second_entry: Option<String>,
    /// The analyst id of the second entry's operator (with `second_entry`).
    pub second_operator: Option<String>,
}

impl PendingSheet {
    /// Whether `operator_id` keyed either entry.
    pub fn keyed_by(&self, operator_id: &str) -> bool {
        [&self.first_operator, &self.second_operator]
            .iter()
            .any(|o| o.as_deref() == Some(operator_id))
    }
}

pub fn find(conn: &mut Conn, code_hash: &str) -> QueryResult<Option<PendingSheet>> {
    paper_sheets::table
        .find(code_hash)
        .select((
            paper_sheets::wave_id,
            paper_sheets::first_entry,
            paper_sheets::first_operator,
            paper_sheets::second_entry,
            paper_sheets::second_operator,
        ))
        .first(conn)
        .optional()
}

/// Stores a sheet's first entry; `false` when another operator's first entry of the same
/// sheet was stored meanwhile (two operators keying one fresh sheet at the same moment).
pub fn insert_first(
    conn: &mut Conn,
    code_hash: &str,
    wave_id: &str,
    entry: &str,
    operator_id: &str,
) -> QueryResult<bool> {
    let insert = diesel::insert_into(paper_sheets::table)
        .values((
            paper_sheets::code_hash.eq(code_hash),
            paper_sheets::wave_id.eq(wave_id),
            paper_sheets::first_entry.eq(entry),
            paper_sheets::first_operator.eq(Some(operator_id)),
        ))
        .on_conflict_do_nothing();
    // ON CONFLICT is built on the concrete connection (the multi-backend one lacks it).
    let inserted = match conn {
        super::DbConnection::Sqlite(c) => insert.execute(c)?,
        super::DbConnection::Postgresql(c) => insert.execute(c)?,
    };
    Ok(inserted == 1)
}

/// Stores a disagreeing second entry and who keyed it (neither keyer may resolve it).
pub fn set_second(
    conn: &mut Conn,
    code_hash: &str,
    entry: &str,
    operator_id: &str,
) -> QueryResult<()> {
    diesel::update(paper_sheets::table.find(code_hash))
        .set((
            paper_sheets::second_entry.eq(Some(entry)),
            paper_sheets::second_operator.eq(Some(operator_id)),
        ))
        .execute(conn)
        .map(drop)
}

pub fn delete(conn: &mut Conn, code_hash: &str) -> QueryResult<()> {
    diesel::delete(paper_sheets::table.find(code_hash))
        .execute(conn)
        .map(drop)
}

/// Deletes the pending sheets of these codes, if any.
pub fn delete_all(conn: &mut Conn, code_hashes: &[String]) -> QueryResult<()> {
    for chunk in code_hashes.chunks(10_000) {
        diesel::delete(paper_sheets::table.filter(paper_sheets::code_hash.eq_any(chunk)))
            .execute(conn)?;
    }
    Ok(())
}

/// `(waiting for a second entry, waiting for a resolution)` on a wave.
pub fn counts(conn: &mut Conn, wave_id: &str) -> QueryResult<(i64, i64)> {
    let rows: Vec<bool> = paper_sheets::table
        .filter(paper_sheets::wave_id.eq(wave_id))
        .select(paper_sheets::second_entry.is_not_null())
        .load(conn)?;
    let conflicts = rows.iter().filter(|c| **c).count() as i64;
    Ok((rows.len() as i64 - conflicts, conflicts))
}

/// The wave and used flag of each of these code hashes that is issued (one query per
/// 10,000 codes: a vendor's file is looked up at once, not one round trip per sheet).
pub fn code_holders(
    conn: &mut Conn,
    code_hashes: &[String],
) -> QueryResult<std::collections::HashMap<String, (String, bool)>> {
    use super::schema::access_codes;
    let mut out = std::collections::HashMap::with_capacity(code_hashes.len());
    for chunk in code_hashes.chunks(10_000) {
        let rows: Vec<(String, String, bool)> = access_codes::table
            .filter(access_codes::code_hash.eq_any(chunk))
            .select((
                access_codes::code_hash,
                access_codes::wave_id,
                access_codes::used,
            ))
            .load(conn)?;
        out.extend(rows.into_iter().map(|(h, w, u)| (h, (w, u))));
    }
    Ok(out)
}
