//! The evaluation's storage: analysts' 見直し decisions per wave and vision, whether a
//! published wave's decisions are reopened for a new publication, and the evaluation as
//! published (a JSON snapshot of its rows and decisions) with the respondents of every
//! published indicator figure. Analysts only; nothing here refers to a response.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Conn;
use super::schema::{
    evaluation_decisions, evaluation_revisions, published_evaluation_history, published_evaluations,
};
use crate::evaluation::decision::{Decision, Direction};
use crate::evaluation::row::Snapshot;

/// The decisions recorded for a wave, in vision id order.
pub fn decisions(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<Decision>> {
    let rows: Vec<(String, Option<String>, String, String)> = evaluation_decisions::table
        .filter(evaluation_decisions::wave_id.eq(wave_id))
        .order(evaluation_decisions::vision_id)
        .select((
            evaluation_decisions::vision_id,
            evaluation_decisions::direction,
            evaluation_decisions::reason,
            evaluation_decisions::opinions,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(vision_id, direction, reason, opinions)| Decision {
            vision_id,
            direction: direction.as_deref().and_then(Direction::parse),
            reason,
            opinions,
        })
        .collect())
}

/// Stores a vision's decision in a wave, replacing the one before (call inside the
/// transaction that also writes the audit line).
pub fn save_decision(
    conn: &mut Conn,
    wave_id: &str,
    decision: &Decision,
    analyst: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(
        evaluation_decisions::table
            .filter(evaluation_decisions::wave_id.eq(wave_id))
            .filter(evaluation_decisions::vision_id.eq(&decision.vision_id)),
    )
    .execute(conn)?;
    diesel::insert_into(evaluation_decisions::table)
        .values((
            evaluation_decisions::wave_id.eq(wave_id),
            evaluation_decisions::vision_id.eq(&decision.vision_id),
            evaluation_decisions::direction.eq(decision.direction.map(Direction::code)),
            evaluation_decisions::reason.eq(&decision.reason),
            evaluation_decisions::opinions.eq(&decision.opinions),
            evaluation_decisions::updated_by.eq(analyst),
            evaluation_decisions::updated_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// Whether the wave's published decisions have been reopened for a new publication.
pub fn revision_open(conn: &mut Conn, wave_id: &str) -> QueryResult<bool> {
    evaluation_revisions::table
        .filter(evaluation_revisions::wave_id.eq(wave_id))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}

/// Reopens a published wave's decisions (nothing happens when already open).
pub fn open_revision(
    conn: &mut Conn,
    wave_id: &str,
    analyst: &str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    if revision_open(conn, wave_id)? {
        return Ok(());
    }
    diesel::insert_into(evaluation_revisions::table)
        .values((
            evaluation_revisions::wave_id.eq(wave_id),
            evaluation_revisions::opened_by.eq(analyst),
            evaluation_revisions::opened_at.eq(at),
        ))
        .execute(conn)
        .map(drop)
}

/// The evaluation as published with the wave, if it was.
pub fn published(conn: &mut Conn, wave_id: &str) -> QueryResult<Option<(NaiveDateTime, Snapshot)>> {
    let Some((at, json)) = published_evaluations::table
        .filter(published_evaluations::wave_id.eq(wave_id))
        .select((
            published_evaluations::published_at,
            published_evaluations::snapshot,
        ))
        .first::<(NaiveDateTime, String)>(conn)
        .optional()?
    else {
        return Ok(None);
    };
    let snapshot = serde_json::from_str(&json).map_err(|e| {
        diesel::result::Error::DeserializationError(
            format!("the published evaluation of {wave_id} is not readable: {e}").into(),
        )
    })?;
    Ok(Some((at, snapshot)))
}

/// Stores the evaluation published with a wave, replacing the earlier one, keeps the
/// respondents of each published figure, and closes any open revision of the decisions.
/// Call inside the publication's transaction.
pub fn replace_published(
    conn: &mut Conn,
    wave_id: &str,
    at: NaiveDateTime,
    snapshot: &Snapshot,
) -> QueryResult<()> {
    let json = serde_json::to_string(snapshot)
        .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))?;
    diesel::delete(published_evaluations::table.filter(published_evaluations::wave_id.eq(wave_id)))
        .execute(conn)?;
    diesel::insert_into(published_evaluations::table)
        .values((
            published_evaluations::wave_id.eq(wave_id),
            published_evaluations::published_at.eq(at),
            published_evaluations::snapshot.eq(json),
        ))
        .execute(conn)?;
    for row in &snapshot.rows {
        let Some(n) = row.estimate.map(|e| e.n()) else {
            continue;
        };
        diesel::insert_into(published_evaluation_history::table)
            .values((
                published_evaluation_history::id.eq(uuid::Uuid::new_v4().to_string()),
                published_evaluation_history::wave_id.eq(wave_id),
                published_evaluation_history::indicator_id.eq(&row.indicator_id),
                published_evaluation_history::published_at.eq(at),
                published_evaluation_history::respondents.eq(i32::try_from(n).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    diesel::delete(evaluation_revisions::table.filter(evaluation_revisions::wave_id.eq(wave_id)))
        .execute(conn)
        .map(drop)
}

/// `(indicator id, respondents)` of every indicator figure published so far for the wave.
pub fn published_counts(conn: &mut Conn, wave_id: &str) -> QueryResult<Vec<(String, i32)>> {
    published_evaluation_history::table
        .filter(published_evaluation_history::wave_id.eq(wave_id))
        .select((
            published_evaluation_history::indicator_id,
            published_evaluation_history::respondents,
        ))
        .load(conn)
}

/// Removes the evaluation published with a wave (a publication without targets supersedes
/// it); the history of published counts stays.
pub fn remove_published(conn: &mut Conn, wave_id: &str) -> QueryResult<()> {
    diesel::delete(published_evaluations::table.filter(published_evaluations::wave_id.eq(wave_id)))
        .execute(conn)?;
    diesel::delete(evaluation_revisions::table.filter(evaluation_revisions::wave_id.eq(wave_id)))
        .execute(conn)
        .map(drop)
}
