//! Analyst accounts. Only a hash of each token is kept.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use uuid::Uuid;

use super::Conn;
use super::schema::analysts;

/// Creates an analyst; `Ok(false)` when the name is taken.
pub fn create(
    conn: &mut Conn,
    name: &str,
    token_hash: &str,
    today: NaiveDate,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(analysts::table)
        .values((
            analysts::id.eq(Uuid::new_v4().hyphenated().to_string()),
            analysts::name.eq(name),
            analysts::token_hash.eq(token_hash),
            analysts::created_on.eq(today),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The name of the analyst holding the token with this hash.
pub fn find_by_token_hash(conn: &mut Conn, token_hash: &str) -> QueryResult<Option<String>> {
    analysts::table
        .filter(analysts::token_hash.eq(token_hash))
        .select(analysts::name)
        .first(conn)
        .optional()
}
