//! Analysts' passwords (Argon2id PHC strings) and the per-account growing wait after
//! repeated failed sign-ins. The wait lives in the database so that it holds across instances.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::Conn;
use super::schema::{analyst_passwords, analysts};

/// How many failures in a row are free, and the longest wait they can grow to. After
/// `free_failures` failures each further attempt must wait 1 s, then 2 s, 4 s, … up to
/// `max_delay`: guessing stays slow, but someone who knows a name can no longer lock its
/// owner out for long (the owner waits at most `max_delay`, never a fixed 15 minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub free_failures: u32,
    pub max_delay: TimeDelta,
}

impl LockoutPolicy {
    /// Whether an account that accepts its next attempt at `locked_until` must still wait
    /// at `now`.
    pub fn is_locked(locked_until: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
        locked_until.is_some_and(|until| now < until)
    }

    /// The wait before the next attempt after `failures` failures in a row, if any.
    pub fn delay_after(&self, failures: i32) -> Option<TimeDelta> {
        let beyond = i64::from(failures) - i64::from(self.free_failures) + 1;
        if beyond <= 0 {
            return None;
        }
        let seconds = 1i64
            .checked_shl((beyond - 1).min(30) as u32)
            .unwrap_or(i64::MAX);
        Some(TimeDelta::seconds(seconds).min(self.max_delay))
    }
}

/// What a sign-in needs to know about an account.
#[derive(Debug, Clone, Queryable)]
pub struct Credential {
    pub analyst_id: String,
    pub name: String,
    pub password_hash: String,
    pub failed_attempts: i32,
    pub locked_until: Option<NaiveDateTime>,
}

/// The account named `name`, if it has a password.
pub fn find(conn: &mut Conn, name: &str) -> QueryResult<Option<Credential>> {
    analysts::table
        .inner_join(analyst_passwords::table)
        .filter(analysts::name.eq(name))
        .select((
            analysts::id,
            analysts::name,
            analyst_passwords::password_hash,
            analyst_passwords::failed_attempts,
            analyst_passwords::locked_until,
        ))
        .first(conn)
        .optional()
}

/// Sets (or replaces) the password of the analyst named `name` and lifts any lock;
/// `Ok(false)` when there is no such analyst.
pub fn set_password(conn: &mut Conn, name: &str, password_hash: &str) -> QueryResult<bool> {
    conn.transaction(|conn| {
        let Some(id) = analysts::table
            .filter(analysts::name.eq(name))
            .select(analysts::id)
            .first::<String>(conn)
            .optional()?
        else {
            return Ok(false);
        };
        diesel::delete(analyst_passwords::table.filter(analyst_passwords::analyst_id.eq(&id)))
            .execute(conn)?;
        diesel::insert_into(analyst_passwords::table)
            .values((
                analyst_passwords::analyst_id.eq(&id),
                analyst_passwords::password_hash.eq(password_hash),
                analyst_passwords::failed_attempts.eq(0),
                analyst_passwords::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        Ok(true)
    })
}

/// Counts one failed sign-in; returns the time the next attempt is accepted from, if the
/// count has passed the free failures. The increment is one UPDATE, so instances do not
/// lose each other's.
pub fn record_failure(
    conn: &mut Conn,
    analyst_id: &str,
    policy: LockoutPolicy,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    conn.transaction(|conn| {
        let row = analyst_passwords::table.filter(analyst_passwords::analyst_id.eq(analyst_id));
        diesel::update(row)
            .set(analyst_passwords::failed_attempts.eq(analyst_passwords::failed_attempts + 1))
            .execute(conn)?;
        let failures: i32 = row.select(analyst_passwords::failed_attempts).first(conn)?;
        let until = policy.delay_after(failures).map(|d| now + d);
        if until.is_some() {
            diesel::update(row)
                .set(analyst_passwords::locked_until.eq(until))
                .execute(conn)?;
        }
        Ok(until)
    })
}

/// A successful sign-in clears the failure count and any expired lock.
pub fn record_success(conn: &mut Conn, analyst_id: &str) -> QueryResult<()> {
    diesel::update(analyst_passwords::table.filter(analyst_passwords::analyst_id.eq(analyst_id)))
        .set((
            analyst_passwords::failed_attempts.eq(0),
            analyst_passwords::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 2, 1)
            .unwrap()
            .and_hms_opt(h, m, 0)
            .unwrap()
    }

    #[test]
    fn after_the_free_failures_the_wait_doubles_up_to_the_cap() {
        let policy = LockoutPolicy {
            free_failures: 5,
            max_delay: TimeDelta::seconds(60),
        };
        let waits: Vec<Option<i64>> = (1..=13)
            .map(|n| policy.delay_after(n).map(|d| d.num_seconds()))
            .collect();
        assert_eq!(
            waits,
            [
                None,
                None,
                None,
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(32),
                Some(60),
                Some(60),
                Some(60)
            ]
        );
        assert_eq!(policy.delay_after(i32::MAX), Some(TimeDelta::seconds(60)));
        let until = Some(at(9, 0) + TimeDelta::seconds(1));
        assert!(LockoutPolicy::is_locked(until, at(9, 0)));
        assert!(!LockoutPolicy::is_locked(until, at(9, 1)));
        assert!(!LockoutPolicy::is_locked(None, at(9, 0)));
    }

    #[test]
    fn no_free_failures_means_a_wait_after_the_first() {
        let policy = LockoutPolicy {
            free_failures: 0,
            max_delay: TimeDelta::seconds(1),
        };
        assert_eq!(policy.delay_after(1), Some(TimeDelta::seconds(1)));
    }
}
