//! Invitations, their tokens (hashes only) and the outbox of messages to send.
//! Nothing here refers to a response, and marking an invitation answered records no time.

use chrono::{Days, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use uuid::Uuid;

use super::Conn;
use super::schema::{invitation_counts, invitation_tokens, invitations, outbox};
use crate::domain::{InvitationToken, Invitee, Lang, hash_token};

fn new_id() -> String {
    Uuid::new_v4().hyphenated().to_string()
}

/// Kinds of message in the outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Invitation,
    Reminder,
}

impl MessageKind {
    pub fn code(self) -> &'static str {
        match self {
            MessageKind::Invitation => "invitation",
            MessageKind::Reminder => "reminder",
        }
    }
}

/// Result of importing invitees into a wave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub imported: usize,
    /// Lines whose address was already invited to this wave (nothing queued again).
    pub already_invited: Vec<u64>,
}

/// Adds the invitees to the wave and queues one invitation each, in one transaction.
pub fn import(
    conn: &mut Conn,
    wave_id: &str,
    invitees: &[Invitee],
    today: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<Imported> {
    conn.transaction(|conn| {
        let mut result = Imported::default();
        for invitee in invitees {
            let exists: i64 = invitations::table
                .filter(invitations::wave_id.eq(wave_id))
                .filter(invitations::email.eq(invitee.email.as_str()))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                result.already_invited.push(invitee.line);
                continue;
            }
            let id = new_id();
            diesel::insert_into(invitations::table)
                .values((
                    invitations::id.eq(&id),
                    invitations::wave_id.eq(wave_id),
                    invitations::email.eq(invitee.email.as_str()),
                    invitations::language.eq(invitee.lang.code()),
                    invitations::invited_on.eq(today),
                ))
                .execute(conn)?;
            queue(conn, &id, MessageKind::Invitation, now)?;
            result.imported += 1;
        }
        Ok(result)
    })
}

fn queue(
    conn: &mut Conn,
    invitation_id: &str,
    kind: MessageKind,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::id.eq(new_id()),
            outbox::invitation_id.eq(invitation_id),
            outbox::kind.eq(kind.code()),
            outbox::status.eq("queued"),
            outbox::next_attempt_at.eq(now),
        ))
        .execute(conn)
        .map(drop)
}

/// Queues one reminder to each invitee of the wave who has neither answered nor opted out,
/// whose invitation was sent, who was invited at least `min_days` ago and not reminded in
/// the last `min_days`. Returns how many were queued.
pub fn queue_reminders(
    conn: &mut Conn,
    wave_id: &str,
    today: NaiveDate,
    min_days: u32,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    let cutoff = today
        .checked_sub_days(Days::new(u64::from(min_days)))
        .unwrap_or(NaiveDate::MIN);
    conn.transaction(|conn| {
        let sent_invitations = outbox::table
            .filter(outbox::kind.eq(MessageKind::Invitation.code()))
            .filter(outbox::status.eq("sent"))
            .select(outbox::invitation_id);
        let eligible: Vec<String> = invitations::table
            .filter(invitations::wave_id.eq(wave_id))
            .filter(invitations::answered.eq(false))
            .filter(invitations::opted_out.eq(false))
            .filter(invitations::invited_on.le(cutoff))
            .filter(
                invitations::reminded_on
                    .is_null()
                    .or(invitations::reminded_on.le(cutoff)),
            )
            .filter(invitations::id.eq_any(sent_invitations))
            .select(invitations::id)
            .load(conn)?;
        for id in &eligible {
            queue(conn, id, MessageKind::Reminder, now)?;
            diesel::update(invitations::table.find(id))
                .set(invitations::reminded_on.eq(today))
                .execute(conn)?;
        }
        Ok(eligible.len())
    })
}

/// A message claimed for sending, with the fresh token its link carries.
#[derive(Debug)]
pub struct Claimed {
    pub outbox_id: String,
    pub kind: MessageKind,
    pub wave_id: String,
    pub email: String,
    pub lang: Lang,
    pub attempts: i32,
    pub token: InvitationToken,
}

/// A due message with what deciding about it needs.
#[derive(Queryable)]
struct Due {
    outbox_id: String,
    kind: String,
    attempts: i32,
    invitation_id: String,
    wave_id: String,
    email: String,
    answered: bool,
    opted_out: bool,
}

/// Claims the next due message (queued, or `sending` for longer than `lease` — an instance
/// that died mid-send), marks it `sending` and creates the token its link will carry. Safe
/// with several instances: the claim is a conditional update. Messages whose invitee has
/// answered, or opted out of reminders, are cancelled instead.
pub fn claim_next(
    conn: &mut Conn,
    now: NaiveDateTime,
    lease: chrono::Duration,
) -> QueryResult<Option<Claimed>> {
    // Polled several times a second: look before writing, so an idle worker never takes
    // SQLite's write lock away from residents' submissions.
    let expired = outbox::table
        .filter(outbox::status.eq("sending"))
        .filter(outbox::claimed_at.lt(now - lease));
    if expired.count().get_result::<i64>(conn)? > 0 {
        diesel::update(expired)
            .set(outbox::status.eq("queued"))
            .execute(conn)?;
    }
    loop {
        let candidate: Option<Due> = outbox::table
            .inner_join(invitations::table)
            .filter(outbox::status.eq("queued"))
            .filter(outbox::next_attempt_at.le(now))
            .order(outbox::next_attempt_at)
            .select((
                outbox::id,
                outbox::kind,
                outbox::attempts,
                invitations::id,
                invitations::wave_id,
                invitations::email,
                invitations::answered,
                invitations::opted_out,
            ))
            .first(conn)
            .optional()?;
        let Some(Due {
            outbox_id,
            kind,
            attempts,
            invitation_id,
            wave_id,
            email,
            answered,
            opted_out,
        }) = candidate
        else {
            return Ok(None);
        };
        let kind = if kind == "reminder" {
            MessageKind::Reminder
        } else {
            MessageKind::Invitation
        };
        let claimed = conn.transaction(|conn| -> QueryResult<Option<Claimed>> {
            let won = diesel::update(
                outbox::table
                    .find(&outbox_id)
                    .filter(outbox::status.eq("queued")),
            )
            .set((
                outbox::status.eq("sending"),
                outbox::claimed_at.eq(now),
                outbox::attempts.eq(attempts + 1),
            ))
            .execute(conn)?;
            if won == 0 {
                return Ok(None); // another instance took it
            }
            if answered || (opted_out && kind == MessageKind::Reminder) {
                let why = if answered {
                    "not sent: already answered"
                } else {
                    "not sent: opted out"
                };
                finish(conn, &outbox_id, "cancelled", Some(why))?;
                return Ok(None);
            }
            let token = InvitationToken::generate();
            diesel::insert_into(invitation_tokens::table)
                .values((
                    invitation_tokens::token_hash.eq(token.hash()),
                    invitation_tokens::invitation_id.eq(&invitation_id),
                ))
                .execute(conn)?;
            let lang: String = invitations::table
                .find(&invitation_id)
                .select(invitations::language)
                .first(conn)?;
            Ok(Some(Claimed {
                outbox_id: outbox_id.clone(),
                kind,
                wave_id: wave_id.clone(),
                email: email.clone(),
                lang: Lang::parse(&lang).unwrap_or_default(),
                attempts: attempts + 1,
                token,
            }))
        })?;
        if claimed.is_some() {
            return Ok(claimed);
        }
    }
}

fn finish(conn: &mut Conn, outbox_id: &str, status: &str, error: Option<&str>) -> QueryResult<()> {
    diesel::update(outbox::table.find(outbox_id))
        .set((
            outbox::status.eq(status),
            outbox::claimed_at.eq(None::<NaiveDateTime>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)
        .map(drop)
}

pub fn mark_sent(conn: &mut Conn, outbox_id: &str) -> QueryResult<()> {
    finish(conn, outbox_id, "sent", None)
}

/// A permanent failure (or too many attempts): recorded with the reason, not retried.
pub fn mark_failed(conn: &mut Conn, outbox_id: &str, reason: &str) -> QueryResult<()> {
    finish(conn, outbox_id, "failed", Some(reason))
}

/// A transient failure: back in the queue for `next_attempt_at`.
pub fn mark_retry(
    conn: &mut Conn,
    outbox_id: &str,
    next_attempt_at: NaiveDateTime,
    reason: &str,
) -> QueryResult<()> {
    diesel::update(outbox::table.find(outbox_id))
        .set((
            outbox::status.eq("queued"),
            outbox::claimed_at.eq(None::<NaiveDateTime>),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::last_error.eq(Some(reason)),
        ))
        .execute(conn)
        .map(drop)
}

/// What a personal link leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub wave_id: String,
    pub lang: Lang,
    pub answered: bool,
}

pub fn find_by_token(conn: &mut Conn, token: &str) -> QueryResult<Option<TokenHolder>> {
    let row: Option<(String, String, bool)> = invitation_tokens::table
        .inner_join(invitations::table)
        .filter(invitation_tokens::token_hash.eq(hash_token(token)))
        .select((
            invitations::wave_id,
            invitations::language,
            invitations::answered,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(wave_id, lang, answered)| TokenHolder {
        wave_id,
        lang: Lang::parse(&lang).unwrap_or_default(),
        answered,
    }))
}

/// Marks the token's invitation answered; `false` when the token is unknown, of another
/// wave, or already used. Call inside the transaction that stores the response.
pub fn mark_answered(conn: &mut Conn, wave_id: &str, token: &str) -> QueryResult<bool> {
    let invitation = invitation_tokens::table
        .filter(invitation_tokens::token_hash.eq(hash_token(token)))
        .select(invitation_tokens::invitation_id);
    let updated = diesel::update(
        invitations::table
            .filter(invitations::id.eq_any(invitation))
            .filter(invitations::wave_id.eq(wave_id))
            .filter(invitations::answered.eq(false)),
    )
    .set(invitations::answered.eq(true))
    .execute(conn)?;
    Ok(updated == 1)
}

/// Stops reminders for the token's invitee; `false` for an unknown token.
pub fn opt_out(conn: &mut Conn, token: &str) -> QueryResult<bool> {
    let invitation = invitation_tokens::table
        .filter(invitation_tokens::token_hash.eq(hash_token(token)))
        .select(invitation_tokens::invitation_id);
    let updated = diesel::update(invitations::table.filter(invitations::id.eq_any(invitation)))
        .set(invitations::opted_out.eq(true))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Counts of a wave's invitations: live ones, plus those kept after a purge.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub invited: i64,
    /// Invitations waiting in the outbox (queued or being sent).
    pub queued: i64,
    pub sent: i64,
    pub failed: i64,
    pub answered: i64,
    pub opted_out: i64,
}

/// One invitee's state, for analysts until the purge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddressStatus {
    pub email: String,
    pub language: String,
    /// State of the invitation message: queued, sending, sent, failed or cancelled.
    pub invitation: String,
    pub failure: Option<String>,
    pub reminded_on: Option<NaiveDate>,
    pub answered: bool,
    pub opted_out: bool,
}

#[derive(Queryable)]
struct AddressRow {
    email: String,
    language: String,
    reminded_on: Option<NaiveDate>,
    answered: bool,
    opted_out: bool,
    status: String,
    error: Option<String>,
}

pub fn addresses(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<AddressStatus>> {
    let rows: Vec<AddressRow> = invitations::table
        .inner_join(outbox::table)
        .filter(invitations::wave_id.eq(wave_id))
        .filter(outbox::kind.eq(MessageKind::Invitation.code()))
        .order(invitations::email)
        .select((
            invitations::email,
            invitations::language,
            invitations::reminded_on,
            invitations::answered,
            invitations::opted_out,
            outbox::status,
            outbox::last_error,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| AddressStatus {
            failure: if r.status == "failed" { r.error } else { None },
            email: r.email,
            language: r.language,
            invitation: r.status,
            reminded_on: r.reminded_on,
            answered: r.answered,
            opted_out: r.opted_out,
        })
        .collect())
}

pub fn counts(conn: &mut Conn, wave_id: &str) -> QueryResult<Counts> {
    let live = addresses(conn, wave_id)?;
    let mut c = Counts {
        invited: live.len() as i64,
        ..Counts::default()
    };
    for a in &live {
        match a.invitation.as_str() {
            "queued" | "sending" => c.queued += 1,
            "sent" => c.sent += 1,
            "failed" => c.failed += 1,
            _ => {}
        }
        c.answered += i64::from(a.answered);
        c.opted_out += i64::from(a.opted_out);
    }
    let kept: Option<(i32, i32, i32, i32, i32)> = invitation_counts::table
        .find(wave_id)
        .select((
            invitation_counts::invited,
            invitation_counts::sent,
            invitation_counts::failed,
            invitation_counts::answered,
            invitation_counts::opted_out,
        ))
        .first(conn)
        .optional()?;
    if let Some((invited, sent, failed, answered, opted_out)) = kept {
        c.invited += i64::from(invited);
        c.sent += i64::from(sent);
        c.failed += i64::from(failed);
        c.answered += i64::from(answered);
        c.opted_out += i64::from(opted_out);
    }
    Ok(c)
}

/// Deletes the wave's addresses, tokens and messages, keeping only the counts.
pub fn purge(conn: &mut Conn, wave_id: &str) -> QueryResult<Counts> {
    conn.transaction(|conn| {
        let c = counts(conn, wave_id)?;
        let n = |x: i64| i32::try_from(x).unwrap_or(i32::MAX);
        diesel::delete(invitation_counts::table.find(wave_id)).execute(conn)?;
        diesel::insert_into(invitation_counts::table)
            .values((
                invitation_counts::wave_id.eq(wave_id),
                invitation_counts::invited.eq(n(c.invited)),
                invitation_counts::sent.eq(n(c.sent)),
                invitation_counts::failed.eq(n(c.failed)),
                invitation_counts::answered.eq(n(c.answered)),
                invitation_counts::opted_out.eq(n(c.opted_out)),
            ))
            .execute(conn)?;
        let ids = invitations::table
            .filter(invitations::wave_id.eq(wave_id))
            .select(invitations::id);
        diesel::delete(outbox::table.filter(outbox::invitation_id.eq_any(ids))).execute(conn)?;
        let ids = invitations::table
            .filter(invitations::wave_id.eq(wave_id))
            .select(invitations::id);
        diesel::delete(
            invitation_tokens::table.filter(invitation_tokens::invitation_id.eq_any(ids)),
        )
        .execute(conn)?;
        diesel::delete(invitations::table.filter(invitations::wave_id.eq(wave_id)))
            .execute(conn)?;
        Ok(c)
    })
}
