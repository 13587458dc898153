//! SQLite's write-ahead log, emptied after every write that stores or claims anything.
//!
//! A commit on SQLite appends its pages to the `-wal` file; until a checkpoint copies them
//! into the main file and truncates the log, a copy of the files holds each commit's
//! pages in commit order: a code's "used" page beside its response's, a paper sheet's
//! pending entries, an audit line with its time. The web writer empties the log after
//! every batch (`writer`); paper keying, resolution and import call [`empty`]
//! right after their commits, and every pooled connection that goes back to the pool
//! empties it too ([`super::Manager`]), so that no write path leaves its commit in the
//! log. `secure_delete` (see [`super::establish`]) zeroes what the checkpoint's deletes
//! and updates leave behind in the main file.
//!
//! A checkpoint cannot copy past a reader of an older snapshot: it then gives up after
//! [`CHECKPOINT_WAIT_MS`] (so that no write waits on a long read) and the log is emptied
//! by the next attempt once the reader has gone (reads hold their snapshot only while the
//! database produces the data, see the exports' spool in `src/export/spooled.rs`).

use std::time::{Duration, Instant};

use diesel::RunQueryDsl;
use diesel::connection::SimpleConnection;

use super::DbConnection;

/// How long a checkpoint waits for readers of an older snapshot and for a writer.
pub const CHECKPOINT_WAIT_MS: u32 = 5;

#[derive(diesel::QueryableByName)]
struct Checkpoint {
    /// 1 when a reader or writer kept it from finishing.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    busy: i32,
    /// Frames in the log (-1 when not in WAL mode).
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
}

/// On SQLite, copies the log into the main file and truncates it; whether the log is
/// empty now (always on PostgreSQL, whose log is the server's: see `docs/anonymity.md`).
pub fn empty(conn: &mut DbConnection) -> bool {
    let DbConnection::Sqlite(c) = conn else {
        return true;
    };
    // Nothing to do (most returns to the pool): a passive look, no waiting.
    match diesel::sql_query("PRAGMA wal_checkpoint(PASSIVE)").get_result::<Checkpoint>(c) {
        Ok(p) if p.log <= 0 => return true,
        Ok(_) => {}
        Err(e) => {
            tracing::warn!(error = %e, "write-ahead log checkpoint failed");
            return false;
        }
    }
    // Committed already: a checkpoint that cannot finish only leaves the log longer until
    // the next one; it never loses anything.
    let done = c
        .batch_execute(&format!("PRAGMA busy_timeout = {CHECKPOINT_WAIT_MS}"))
        .and_then(|()| {
            diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result::<Checkpoint>(c)
        });
    let restored = c.batch_execute(&format!(
        "PRAGMA busy_timeout = {}",
        super::SQLITE_BUSY_TIMEOUT_MS
    ));
    if let Err(e) = restored {
        tracing::warn!(error = %e, "restoring the busy timeout after a checkpoint failed");
    }
    match done {
        Ok(result) => result.busy == 0,
        Err(e) => {
            tracing::warn!(error = %e, "write-ahead log checkpoint failed");
            false
        }
    }
}

/// [`empty`], tried again every 20 ms for up to `patience` while a reader of an older
/// snapshot is in the way (an operator's action: worth a short wait).
pub fn empty_within(conn: &mut DbConnection, patience: Duration) -> bool {
    let deadline = Instant::now() + patience;
    loop {
        if empty(conn) {
            return true;
        }
        if Instant::now() >= deadline {
            tracing::warn!(
                "the write-ahead log could not be emptied (a long read is in the way): the next write or return to the pool empties it"
            );
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
