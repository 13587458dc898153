//! The one door through which a response is stored: web answers (through the
//! group-commit `writer`), paper sheets keyed or resolved, vendor imports.
//!
//! Anonymity invariants this module keeps (PRODUCT.md, anonymity rules 1–3), for every
//! caller:
//! - a response row carries its wave, channel, language, sample flag and submission date
//!   only; its id is a random UUID v4;
//! - the credential (access code or invitation) and the form's one-time key share no key
//!   with the response and are written in a separate pass, in an independent random order
//!   from the responses of the same batch;
//! - a credential is claimed in the same transaction that stores its response: nothing is
//!   acknowledged without both, and a refused credential stores nothing (its key included);
//! - on PostgreSQL, no transaction (or savepoint) writes a response, a used code or an
//!   answered invitation with fewer than [`super::mix::MIX`] rows of its kind: each new
//!   one is rewritten with its neighbours in one command, in a random order, and the
//!   wave's running totals are all rewritten with it ([`super::mix`]), so that neither
//!   `xmin`, `cmin`, `ctid` nor the totals pair a credential with its response or order
//!   responses by arrival;
//! - on SQLite, the caller empties the write-ahead log after the commit (`wal`).

use std::sync::Arc;

use chrono::NaiveDate;
use diesel::pg::PgConnection;
use diesel::prelude::*;
use uuid::Uuid;

use super::schema::{responses, submission_keys};
use super::shuffle::shuffled;
use super::{Conn, DbConnection};
use crate::domain::{Answers, Channel, Credential, stored};
use crate::stats::ScorePlan;

/// What storing a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// A new response was committed.
    New,
    /// This form's key was used before: nothing was written.
    Replay,
    /// The invitation token or access code is unknown or already used: nothing was
    /// written.
    CredentialRefused,
}

/// One submission to store, owned (the writer's queue holds it): its wave's score plan,
/// channel, sample flag, the credential it uses up (if any), its date and its answers.
#[derive(Debug, Clone)]
pub struct Submission {
    pub plan: Arc<ScorePlan>,
    pub channel: Channel,
    pub in_sample: bool,
    pub credential: Option<Credential>,
    pub submitted_on: NaiveDate,
    pub answers: Answers,
}

impl Submission {
    /// A web answer on an open wave: no credential, part of the (only) sample.
    pub fn open_web(plan: Arc<ScorePlan>, submitted_on: NaiveDate, answers: Answers) -> Self {
        Submission {
            plan,
            channel: Channel::Web,
            in_sample: true,
            credential: None,
            submitted_on,
            answers,
        }
    }
}

/// Stores one submission: its response, answers and derived vision scores
/// ([`super::scores`]) in one transaction, together with the form's one-time key and
/// marking the credential (invitation or access code) used; returns only after commit. A
/// key already used, or a credential that cannot be used, stores nothing. One submission
/// of [`store_batch`].
pub fn store(conn: &mut Conn, submission: &Submission) -> QueryResult<Stored> {
    Ok(store_batch(conn, std::slice::from_ref(submission))?[0])
}

/// Stores submissions in ONE transaction (the group commit of `writer`) and
/// returns each one's outcome, in the order given; returns only after commit. A replayed
/// key or a refused credential changes nothing for that submission and does not fail the
/// others; any other error fails the whole batch (nothing of it is stored).
///
/// So that neither the database's log nor its pages pair a credential with its response
/// or order the batch's responses, the work is done in two passes in two independent
/// random orders: first every key and credential (a multi-row insert of the keys, one
/// update per wave for the codes), then every accepted response with its answers, as
/// multi-row inserts; the running totals and counts are summed over the batch and each
/// touched row is updated once.
pub fn store_batch(conn: &mut Conn, batch: &[Submission]) -> QueryResult<Vec<Stored>> {
    store_batch_owning(conn, batch, &[])
}

/// [`store_batch`], where `owned` are keys of this batch that an attempt of
/// [`write_batch`] inserted (and committed) without storing anything else: they are
/// deleted again first, in the same transaction, so that they count as new.
fn store_batch_owning(
    conn: &mut Conn,
    batch: &[Submission],
    owned: &[String],
) -> QueryResult<Vec<Stored>> {
    let mut outcomes = vec![Stored::New; batch.len()];
    conn.transaction(|conn| {
        if !owned.is_empty() {
            diesel::delete(submission_keys::table.filter(submission_keys::key.eq_any(owned)))
                .execute(conn)?;
        }
        // Pass 1: keys and credentials, a few statements for the whole batch, in a random
        // order. The keys go in first: on PostgreSQL a concurrent insert of the same key
        // (another instance) waits for that transaction and is then skipped as a replay.
        let order = shuffled(batch.len());
        let mut seen = std::collections::HashSet::new();
        let keys: Vec<(usize, String)> = order
            .iter()
            .filter_map(|&i| {
                let key = batch[i].answers.key.as_string();
                if seen.insert(key.clone()) {
                    Some((i, key))
                } else {
                    // A second copy of one form inside this batch.
                    outcomes[i] = Stored::Replay;
                    None
                }
            })
            .collect();
        let inserted = insert_keys(conn, batch, &keys)?;
        for (i, key) in &keys {
            if !inserted.contains(key) {
                outcomes[*i] = Stored::Replay;
            }
        }
        let mut refused_keys = Vec::new();
        claim_codes(conn, batch, &order, &mut outcomes)?;
        claim_invitations(conn, batch, &order, &mut outcomes)?;
        for &i in &order {
            if outcomes[i] == Stored::CredentialRefused {
                refused_keys.push(batch[i].answers.key.as_string());
            }
        }
        // A refused credential stores nothing, its key included: the form can be sent again.
        if !refused_keys.is_empty() {
            diesel::delete(
                submission_keys::table.filter(submission_keys::key.eq_any(&refused_keys)),
            )
            .execute(conn)?;
        }
        // Pass 2: the accepted responses, in another random order.
        let accepted: Vec<usize> = shuffled(batch.len())
            .into_iter()
            .filter(|&i| outcomes[i] == Stored::New)
            .collect();
        insert_responses(conn, batch, &accepted)
    })?;
    Ok(outcomes)
}

/// The response rows, answers, derived scores and running totals of `batch[i]` for each
/// `i` of `order`: a few multi-row statements on SQLite, one on PostgreSQL.
fn insert_responses(conn: &mut Conn, batch: &[Submission], order: &[usize]) -> QueryResult<()> {
    if order.is_empty() {
        return Ok(());
    }
    insert_responses_with(conn, batch, order, |c, pass| pass.execute(c)).map(drop)
}

/// [`insert_responses`], where on PostgreSQL `finish` is given the gathered statement to
/// run (and its outcome is returned); on SQLite the rows are written and `None` returned.
fn insert_responses_with<'b, R>(
    conn: &mut Conn,
    batch: &[Submission],
    order: &[usize],
    finish: impl for<'p> FnOnce(&mut PgConnection, super::batch_pg::Pass2<'p>) -> QueryResult<R>,
) -> QueryResult<Option<R>> {
    let ids: Vec<String> = order
        .iter()
        .map(|_| Uuid::new_v4().hyphenated().to_string())
        .collect();
    let encoded: Vec<String> = order
        .iter()
        .map(|&i| stored::encode(&batch[i].answers.values))
        .collect();
    let mut pg = super::batch_pg::Pass2::default();
    match conn {
        DbConnection::Postgresql(_) => {
            for ((&i, id), answers) in order.iter().zip(&ids).zip(&encoded) {
                let s = &batch[i];
                pg.response(super::batch_pg::ResponseRow {
                    id,
                    wave_id: &s.plan.wave_id,
                    channel: s.channel.code(),
                    language: s.answers.lang.code(),
                    submitted_on: s.submitted_on,
                    in_sample: s.in_sample,
                    answers,
                    window: super::mix::window(),
                });
            }
        }
        DbConnection::Sqlite(c) => {
            let response_rows: Vec<_> = order
                .iter()
                .zip(&ids)
                .zip(&encoded)
                .map(|((&i, id), answers)| {
                    let s = &batch[i];
                    (
                        responses::id.eq(id.as_str()),
                        responses::wave_id.eq(s.plan.wave_id.as_str()),
                        responses::channel.eq(s.channel.code()),
                        responses::language.eq(s.answers.lang.code()),
                        responses::submitted_on.eq(s.submitted_on),
                        responses::in_sample.eq(s.in_sample),
                        responses::answers.eq(answers.as_str()),
                    )
                })
                .collect();
            // 7 columns a row: 4,000 rows stay under SQLite's 32,766 bound variables.
            // (diesel's multi-backend connection does not build batch inserts, so
            // multi-row statements run on the concrete connection.)
            for chunk in response_rows.chunks(4_000) {
                diesel::insert_into(responses::table)
                    .values(chunk)
                    .execute(c)?;
            }
        }
    }
    // Derived rows and running totals, per wave (a batch may mix waves).
    let derived: Vec<Vec<crate::stats::ScoreRow>> = order
        .iter()
        .map(|&i| {
            let s = &batch[i];
            let stored: Vec<(&str, String)> = s
                .answers
                .values
                .iter()
                .flat_map(|(q, v)| v.stored_values().into_iter().map(move |v| (q.as_str(), v)))
                .collect();
            s.plan.rows(stored.iter().map(|(q, v)| (*q, v.as_str())))
        })
        .collect();
    let mut waves: Vec<&str> = order
        .iter()
        .map(|&i| batch[i].plan.wave_id.as_str())
        .collect();
    waves.sort_unstable();
    waves.dedup();
    for wave_id in waves {
        let mine: Vec<(&str, super::scores::Tags<'_>, &[crate::stats::ScoreRow])> = order
            .iter()
            .zip(&ids)
            .zip(&derived)
            .filter(|((i, _), _)| batch[**i].plan.wave_id == wave_id)
            .map(|((&i, id), rows)| {
                let tags = super::scores::Tags {
                    channel: batch[i].channel.code(),
                    in_sample: batch[i].in_sample,
                };
                (id.as_str(), tags, rows.as_slice())
            })
            .collect();
        let mut counts = super::counts::BatchCounts::default();
        for &i in order.iter().filter(|&&i| batch[i].plan.wave_id == wave_id) {
            let s = &batch[i];
            counts.add(&s.answers, s.submitted_on, s.channel.code(), s.in_sample);
        }
        let stored = mine.len() as i64;
        match conn {
            DbConnection::Postgresql(_) => {
                pg.sums(wave_id, super::scores::sum_batch(&mine));
                pg.counts(wave_id, counts, stored);
            }
            DbConnection::Sqlite(_) => {
                super::scores::add_batch_to_sums(conn, wave_id, &mine)?;
                super::counts::add(conn, wave_id, &counts)?;
                super::counts::add_responses(conn, wave_id, stored)?;
            }
        }
    }
    // On PostgreSQL all of the above is one statement (see [`super::batch_pg`]).
    match conn {
        DbConnection::Postgresql(c) => finish(c, pg).map(Some),
        DbConnection::Sqlite(_) => Ok(None),
    }
}

/// [`store_batch`] as the writer calls it, outside any transaction. On PostgreSQL a batch
/// without credentials is first tried as ONE statement that stores everything on the
/// condition that every key is new (one round trip instead of BEGIN, keys, the rest and
/// COMMIT; see [`super::batch_pg::Pass2::execute_if_all_new`]), which tells a replay
/// without raising an error (an error would date it in the server's log); a batch with a
/// replay, a credential, or on SQLite goes through [`store_batch`], which tells each one
/// apart.
pub fn write_batch(conn: &mut Conn, batch: &[Submission]) -> QueryResult<Vec<Stored>> {
    if matches!(conn, DbConnection::Postgresql(_))
        && !batch.is_empty()
        && batch.iter().all(|s| s.credential.is_none())
    {
        let keys: Vec<String> = batch.iter().map(|s| s.answers.key.as_string()).collect();
        let distinct: std::collections::HashSet<&str> = keys.iter().map(String::as_str).collect();
        if distinct.len() == keys.len() {
            // The same two independent random orders as store_batch: keys, then responses.
            let pairs: Vec<(&str, &str)> = shuffled(batch.len())
                .into_iter()
                .map(|i| (keys[i].as_str(), batch[i].plan.wave_id.as_str()))
                .collect();
            let order = shuffled(batch.len());
            let inserted = insert_responses_with(conn, batch, &order, |c, pass| {
                pass.execute_if_all_new(c, &pairs)
            })?
            .unwrap_or_default();
            if inserted.len() == batch.len() {
                return Ok(vec![Stored::New; batch.len()]);
            }
            return store_batch_owning(conn, batch, &inserted);
        }
    }
    store_batch(conn, batch)
}

/// Inserts the one-time keys `(submission, key)` that are new and returns them; a key
/// already stored (a replayed form, or one stored meanwhile by another instance) is
/// skipped.
fn insert_keys(
    conn: &mut Conn,
    batch: &[Submission],
    keys: &[(usize, String)],
) -> QueryResult<std::collections::HashSet<String>> {
    let mut inserted = std::collections::HashSet::new();
    // 2 columns a row.
    for chunk in keys.chunks(10_000) {
        let got: Vec<String> = match conn {
            DbConnection::Sqlite(c) => {
                let rows: Vec<_> = chunk
                    .iter()
                    .map(|(i, key)| {
                        (
                            submission_keys::key.eq(key.as_str()),
                            submission_keys::wave_id.eq(batch[*i].plan.wave_id.as_str()),
                        )
                    })
                    .collect();
                diesel::insert_into(submission_keys::table)
                    .values(&rows)
                    .on_conflict_do_nothing()
                    .returning(submission_keys::key)
                    .get_results(c)?
            }
            DbConnection::Postgresql(c) => {
                let pairs: Vec<(&str, &str)> = chunk
                    .iter()
                    .map(|(i, key)| (key.as_str(), batch[*i].plan.wave_id.as_str()))
                    .collect();
                super::batch_pg::insert_keys(c, &pairs)?
            }
        };
        inserted.extend(got);
    }
    Ok(inserted)
}

/// Marks the access codes of the batch's still-accepted submissions used, one statement
/// per wave; a submission whose code is unknown, of another wave, already used, or used
/// by an earlier submission of this batch is refused.
fn claim_codes(
    conn: &mut Conn,
    batch: &[Submission],
    order: &[usize],
    outcomes: &mut [Stored],
) -> QueryResult<()> {
    use super::schema::access_codes;
    let wanted: Vec<(usize, &str, String)> = order
        .iter()
        .filter(|&&i| outcomes[i] == Stored::New)
        .filter_map(|&i| match &batch[i].credential {
            Some(Credential::Code(code)) => Some((i, batch[i].plan.wave_id.as_str(), code.hash())),
            _ => None,
        })
        .collect();
    let mut waves: Vec<&str> = wanted.iter().map(|(_, w, _)| *w).collect();
    waves.sort_unstable();
    waves.dedup();
    for wave_id in waves {
        let mut hashes: Vec<&str> = wanted
            .iter()
            .filter(|(_, w, _)| *w == wave_id)
            .map(|(_, _, h)| h.as_str())
            .collect();
        // In key order, as every writer locks them.
        hashes.sort_unstable();
        let claimed: Vec<String> = match conn {
            DbConnection::Sqlite(c) => diesel::update(
                access_codes::table
                    .filter(access_codes::code_hash.eq_any(&hashes))
                    .filter(access_codes::wave_id.eq(wave_id))
                    .filter(access_codes::used.eq(false))
                    .filter(access_codes::void_reason.is_null()),
            )
            .set(access_codes::used.eq(true))
            .returning(access_codes::code_hash)
            .get_results(c)?,
            DbConnection::Postgresql(c) => super::mix::claim_codes(c, wave_id, &hashes)?,
        };
        let mut claimed: std::collections::HashSet<String> = claimed.into_iter().collect();
        for (i, w, hash) in &wanted {
            if *w == wave_id && !claimed.remove(hash) {
                outcomes[*i] = Stored::CredentialRefused;
            }
        }
    }
    Ok(())
}

/// Marks the invitations of the batch's still-accepted submissions answered; a token that
/// is unknown, of another wave, already used, or used by an earlier submission of this
/// batch (two links of one invitee) is refused. On PostgreSQL one statement per wave,
/// mixed ([`super::mix::claim_invitations`]).
fn claim_invitations(
    conn: &mut Conn,
    batch: &[Submission],
    order: &[usize],
    outcomes: &mut [Stored],
) -> QueryResult<()> {
    let wanted: Vec<(usize, &str, &str)> = order
        .iter()
        .filter(|&&i| outcomes[i] == Stored::New)
        .filter_map(|&i| match &batch[i].credential {
            Some(Credential::Invitation(token)) => {
                Some((i, batch[i].plan.wave_id.as_str(), token.as_str()))
            }
            _ => None,
        })
        .collect();
    if wanted.is_empty() {
        return Ok(());
    }
    if let DbConnection::Sqlite(_) = conn {
        for (i, wave_id, token) in wanted {
            if !super::invitations::mark_answered(conn, wave_id, token)? {
                outcomes[i] = Stored::CredentialRefused;
            }
        }
        return Ok(());
    }
    let DbConnection::Postgresql(c) = conn else {
        unreachable!("SQLite is handled above")
    };
    let mut waves: Vec<&str> = wanted.iter().map(|(_, w, _)| *w).collect();
    waves.sort_unstable();
    waves.dedup();
    for wave_id in waves {
        let mine: Vec<(usize, &str)> = wanted
            .iter()
            .filter(|(_, w, _)| *w == wave_id)
            .map(|(i, _, t)| (*i, *t))
            .collect();
        let tokens: Vec<&str> = mine.iter().map(|(_, t)| *t).collect();
        // Token → the invitation it claimed (absent: refused).
        let claimed = super::mix::claim_invitations(c, wave_id, &tokens)?;
        let mut taken = std::collections::HashSet::new();
        for (i, token) in mine {
            match claimed.get(token) {
                Some(invitation) if taken.insert(invitation.clone()) => {}
                _ => outcomes[i] = Stored::CredentialRefused,
            }
        }
    }
    Ok(())
}
