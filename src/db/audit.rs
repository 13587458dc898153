//! The audit log: what analysts did, and when. Analysts only; never residents.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use uuid::Uuid;

use super::Conn;
use super::schema::audit_log;

/// Records one action of `analyst` (e.g. `sign_in`, `sign_out`, `publish`, `export`), with
/// the wave it concerns, if any, and a short detail, at the current time.
pub fn record(
    conn: &mut Conn,
    analyst: &str,
    action: &str,
    wave: Option<&str>,
    detail: &str,
) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::id.eq(Uuid::new_v4().hyphenated().to_string()),
            audit_log::analyst.eq(analyst),
            audit_log::action.eq(action),
            audit_log::wave_id.eq(wave),
            audit_log::detail.eq(detail),
            audit_log::at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(drop)
}

/// One line of the log.
#[derive(Debug, Clone, Queryable)]
pub struct Entry {
    pub analyst: String,
    pub action: String,
    pub wave_id: Option<String>,
    pub detail: String,
    pub at: NaiveDateTime,
}

/// The latest `limit` entries, newest first.
pub fn latest(conn: &mut Conn, limit: i64) -> QueryResult<Vec<Entry>> {
    audit_log::table
        .order(audit_log::at.desc())
        .limit(limit)
        .select((
            audit_log::analyst,
            audit_log::action,
            audit_log::wave_id,
            audit_log::detail,
            audit_log::at,
        ))
        .load(conn)
}
