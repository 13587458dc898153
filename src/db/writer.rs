//! The group-commit writer: one thread per process takes the submissions waiting at that
//! moment and stores them in one transaction ([`super::submit::write_batch`]; on
//! PostgreSQL a batch of an open wave is one statement when none of it is a replay), then
//! answers each. A resident is redirected only after the commit that holds their answers,
//! so "acknowledged" still means "committed"; concurrent submissions no longer wait in
//! SQLite's busy handler, and each commit's fsync is shared by the whole batch. (A second
//! writer thread on PostgreSQL, overlapping one batch's statements with the other's
//! commit, was measured 15% slower: smaller batches waiting on the same rows of the
//! running totals.)
//!
//! On SQLite the write-ahead log is checkpointed and truncated after every batch
//! (`wal_checkpoint(TRUNCATE)`), right after its residents are answered and before the
//! next batch is taken: the log then holds no more than the one batch being written, so a
//! copy of the files cannot put batches in order, and inside a batch the credentials and
//! responses are written in independent random orders (see `store_batch`).
//! `secure_delete` (set on every connection, see [`super::establish`]) zeroes what
//! deletes and updates leave behind.
//!
//! A read that began before a batch's commit (an export streaming a wave for seconds)
//! keeps the checkpoint from finishing until it ends. The writer does not wait for it —
//! waiting held every submission behind a 1,000,000-row export for 2.4 s — but gives up
//! after [`CHECKPOINT_WAIT_MS`] and tries again when the next batch is written or, with
//! nothing to write, every [`CHECKPOINT_RETRY`]: the log then holds the batches committed
//! during that read, and is emptied soon after the read ends.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::Duration;

use super::Pool;
use super::submit::{Stored, Submission, write_batch};

/// Submissions waiting beyond this many get "busy, try again" (503) at once.
const QUEUE: usize = 8_192;
/// Most submissions in one transaction.
const MAX_BATCH: usize = 512;
/// How long a checkpoint waits for readers of an older snapshot (SQLite).
pub const CHECKPOINT_WAIT_MS: u32 = super::wal::CHECKPOINT_WAIT_MS;
/// How soon a checkpoint that could not empty the log is tried again when no batch
/// comes meanwhile (SQLite).
pub const CHECKPOINT_RETRY: Duration = Duration::from_millis(50);

/// Why a submission was not stored.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("no database connection: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    /// More submissions are waiting than the queue holds.
    #[error("the writer's queue is full")]
    Busy,
    /// The writer thread is gone (it cannot be, short of a bug).
    #[error("the writer stopped")]
    Stopped,
}

/// A failed batch's error is shared by every submission in it.
type Reply = tokio::sync::oneshot::Sender<Result<Stored, Arc<WriteError>>>;

/// The handle the web layer submits through; cheap to clone.
#[derive(Clone)]
pub struct Writer {
    tx: SyncSender<(Submission, Reply)>,
}

impl Writer {
    /// Starts the writer thread on `pool`.
    pub fn start(pool: Pool) -> std::io::Result<Writer> {
        let (tx, rx) = sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("citizen-survey-writer".into())
            .spawn(move || run(pool, rx))?;
        Ok(Writer { tx })
    }

    /// Queues the submission and waits for the commit that stores it (or its refusal).
    pub async fn store(&self, job: Submission) -> Result<Stored, Arc<WriteError>> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        match self.tx.try_send((job, reply)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(Arc::new(WriteError::Busy)),
            Err(TrySendError::Disconnected(_)) => return Err(Arc::new(WriteError::Stopped)),
        }
        answer
            .await
            .unwrap_or_else(|_| Err(Arc::new(WriteError::Stopped)))
    }
}

fn run(pool: Pool, rx: Receiver<(Submission, Reply)>) {
    // The connection is kept from one batch to the next (no check-out query per batch);
    // after a failed batch it goes back to the pool, and the next batch takes a checked one.
    let mut held: Option<super::PooledConn> = None;
    // The last checkpoint left part of the log (a reader was in the way).
    let mut log_left = false;
    loop {
        let first = if log_left {
            match rx.recv_timeout(CHECKPOINT_RETRY) {
                Ok(job) => job,
                Err(RecvTimeoutError::Timeout) => {
                    log_left = held.as_mut().is_some_and(|conn| !super::wal::empty(conn));
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            match rx.recv() {
                Ok(job) => job,
                Err(_) => break,
            }
        };
        let (mut batch, mut replies) = (vec![first.0], vec![first.1]);
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok((submission, reply)) => {
                    batch.push(submission);
                    replies.push(reply);
                }
                Err(_) => break,
            }
        }
        let started = std::time::Instant::now();
        let mut conn = match held.take() {
            Some(conn) => conn,
            None => match pool.get() {
                Ok(conn) => conn,
                Err(e) => {
                    fail(replies, WriteError::Pool(e));
                    continue;
                }
            },
        };
        let size = batch.len();
        match write_batch(&mut conn, &batch) {
            Ok(outcomes) => {
                let committed = started.elapsed();
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
                // The batch is committed (and synced): the residents are answered first,
                // so that their next submissions gather while the log is emptied.
                log_left = !super::wal::empty(&mut conn);
                held = Some(conn);
                tracing::trace!(
                    size,
                    committed_us = committed.as_micros() as u64,
                    with_checkpoint_us = started.elapsed().as_micros() as u64,
                    "batch written"
                );
            }
            // The whole batch failed and nothing of it is stored: each gets the error (the
            // web layer shows the form again with a "try again" message).
            Err(e) => fail(replies, WriteError::Database(e)),
        }
    }
}

fn fail(replies: Vec<Reply>, e: WriteError) {
    let e = Arc::new(e);
    for reply in replies {
        let _ = reply.send(Err(e.clone()));
    }
}
