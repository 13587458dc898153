//! Analysts' passwords (Argon2id PHC strings) and the per-account lockout after repeated
//! failed sign-ins. The lockout lives in the database so that it holds across instances.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use super::Conn;
use super::schema::{analyst_passwords, analysts};

/// How many failures lock an account, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: u32,
    pub duration: TimeDelta,
}

impl LockoutPolicy {
    /// Whether an account locked until `locked_until` is still locked at `now`.
    pub fn is_locked(locked_until: Option<NaiveDateTime>, now: NaiveDateTime) -> bool {
        locked_until.is_some_and(|until| now < until)
    }

    /// After one more failure, counted from `failures_before`: the new failure count and,
    /// when the limit is reached, the time the lock lifts (the count then starts again).
    pub fn after_failure(
        &self,
        failures_before: i32,
        now: NaiveDateTime,
    ) -> (i32, Option<NaiveDateTime>) {
        let failures = failures_before.max(0).saturating_add(1);
        if failures >= self.max_failures.max(1) as i32 {
            (0, Some(now + self.duration))
        } else {
            (failures, None)
        }
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

/// Counts one failed sign-in; returns the time the account is locked until, if this
/// failure locked it. The increment is one UPDATE, so instances do not lose each other's.
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
        let (_, locked) = policy.after_failure(failures - 1, now);
        if let Some(until) = locked {
            diesel::update(row)
                .set((
                    analyst_passwords::failed_attempts.eq(0),
                    analyst_passwords::locked_until.eq(Some(until)),
                ))
                .execute(conn)?;
        }
        Ok(locked)
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
    fn the_fifth_failure_locks_for_the_duration_then_it_lifts() {
        let policy = LockoutPolicy {
            max_failures: 5,
            duration: TimeDelta::minutes(15),
        };
        let mut failures = 0;
        for _ in 0..4 {
            let (n, locked) = policy.after_failure(failures, at(9, 0));
            assert_eq!(locked, None);
            failures = n;
        }
        assert_eq!(failures, 4);
        let (n, locked) = policy.after_failure(failures, at(9, 0));
        assert_eq!((n, locked), (0, Some(at(9, 15))));
        assert!(LockoutPolicy::is_locked(locked, at(9, 14)));
        assert!(!LockoutPolicy::is_locked(locked, at(9, 15)));
        assert!(!LockoutPolicy::is_locked(None, at(9, 0)));
    }

    #[test]
    fn a_limit_of_zero_still_means_one_failure() {
        let policy = LockoutPolicy {
            max_failures: 0,
            duration: TimeDelta::seconds(1),
        };
        assert!(policy.after_failure(0, at(9, 0)).1.is_some());
    }
}
