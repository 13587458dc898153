//! Analysts' browser sessions. The cookie holds 256 random bits; only their SHA-256 hash is
//! stored, beside the session's CSRF token and its expiry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use super::schema::{analyst_sessions, analysts};

/// A live session: whose it is and the token its forms must carry.
#[derive(Debug, Clone, Queryable)]
pub struct Session {
    pub analyst: String,
    pub csrf_token: String,
    /// The account's role (`analyst` or `operator`).
    pub role: String,
}

/// Stores a new session for `analyst_id`, and deletes expired ones on the way.
pub fn create(
    conn: &mut Conn,
    id_hash: &str,
    analyst_id: &str,
    csrf_token: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    conn.transaction(|conn| {
        diesel::delete(analyst_sessions::table.filter(analyst_sessions::expires_at.le(now)))
            .execute(conn)?;
        diesel::insert_into(analyst_sessions::table)
            .values((
                analyst_sessions::id_hash.eq(id_hash),
                analyst_sessions::analyst_id.eq(analyst_id),
                analyst_sessions::csrf_token.eq(csrf_token),
                analyst_sessions::expires_at.eq(expires_at),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// The session with this id hash, if it has not expired.
pub fn find(conn: &mut Conn, id_hash: &str, now: NaiveDateTime) -> QueryResult<Option<Session>> {
    analyst_sessions::table
        .inner_join(analysts::table)
        .filter(analyst_sessions::id_hash.eq(id_hash))
        .filter(analyst_sessions::expires_at.gt(now))
        .select((analysts::name, analyst_sessions::csrf_token, analysts::role))
        .first(conn)
        .optional()
}

/// Ends a session (sign-out).
pub fn delete(conn: &mut Conn, id_hash: &str) -> QueryResult<()> {
    diesel::delete(analyst_sessions::table.filter(analyst_sessions::id_hash.eq(id_hash)))
        .execute(conn)
        .map(drop)
}
