//! Analyst accounts. Only a hash of each token is kept.

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error};
use uuid::Uuid;

use super::Conn;
use super::schema::analysts;
use crate::domain::Role;

/// Creates an analyst with a role; `Ok(false)` when the name is taken.
pub fn create(
    conn: &mut Conn,
    name: &str,
    token_hash: &str,
    today: NaiveDate,
    role: Role,
) -> QueryResult<bool> {
    let inserted = diesel::insert_into(analysts::table)
        .values((
            analysts::id.eq(Uuid::new_v4().hyphenated().to_string()),
            analysts::name.eq(name),
            analysts::token_hash.eq(token_hash),
            analysts::created_on.eq(today),
            analysts::role.eq(role.name()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(true),
        Err(Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => Ok(false),
        Err(e) => Err(e),
    }
}

/// The name and role of the analyst holding the token with this hash.
pub fn find_by_token_hash(
    conn: &mut Conn,
    token_hash: &str,
) -> QueryResult<Option<(String, Role)>> {
    analysts::table
        .filter(analysts::token_hash.eq(token_hash))
        .select((analysts::name, analysts::role))
        .first::<(String, String)>(conn)
        .optional()
        .map(|r| r.map(|(name, role)| (name, role_of(&role))))
}

/// The id and role of the analyst named `name`.
pub fn find_by_name(conn: &mut Conn, name: &str) -> QueryResult<Option<(String, Role)>> {
    analysts::table
        .filter(analysts::name.eq(name))
        .select((analysts::id, analysts::role))
        .first::<(String, String)>(conn)
        .optional()
        .map(|r| r.map(|(id, role)| (id, role_of(&role))))
}

/// A stored role; anything unknown is treated as the least privileged.
fn role_of(stored: &str) -> Role {
    Role::parse(stored).unwrap_or(Role::Operator)
}
