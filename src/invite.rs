//! The invitation actions an analyst takes, shared by the CLI and the analyst routes.

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use crate::db::{self, Conn};
use crate::definitions::{Access, Wave};
use crate::domain::{InviteeReport, parse_invitee_csv};

/// What an import did, or would do.
#[derive(Debug, Clone, Serialize)]
pub struct ImportOutcome {
    #[serde(flatten)]
    pub report: InviteeReport,
    /// `false` when rows were rejected and the valid ones were not accepted: nothing imported.
    pub imported: bool,
    pub queued: usize,
    /// Lines whose address was already invited to this wave.
    pub already_invited: Vec<u64>,
}

/// Why an action was refused.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

fn require_invitation_wave(wave: &Wave) -> Result<(), InviteError> {
    match wave.access {
        Access::Invitation => Ok(()),
        other => Err(InviteError::Refused(format!(
            "wave `{}` is `access = \"{}\"`: set `access = \"invitation\"` in its definition to invite people",
            wave.id,
            other.name()
        ))),
    }
}

/// Checks every row of the CSV; queues invitations for the valid ones only if no row was
/// rejected or the analyst accepted the valid rows.
pub fn import(
    conn: &mut Conn,
    wave: &Wave,
    csv: &str,
    accept_valid: bool,
    today: NaiveDate,
) -> Result<ImportOutcome, InviteError> {
    require_invitation_wave(wave)?;
    let report = parse_invitee_csv(csv).map_err(InviteError::Refused)?;
    if !report.rejected.is_empty() && !accept_valid {
        return Ok(ImportOutcome {
            report,
            imported: false,
            queued: 0,
            already_invited: Vec::new(),
        });
    }
    let done =
        db::invitations::import(conn, &wave.id, &report.valid, today, Utc::now().naive_utc())?;
    Ok(ImportOutcome {
        report,
        imported: true,
        queued: done.imported,
        already_invited: done.already_invited,
    })
}

/// Queues reminders; refused before the wave opens or after it closes.
pub fn remind(
    conn: &mut Conn,
    wave: &Wave,
    today: NaiveDate,
    min_days: u32,
) -> Result<usize, InviteError> {
    require_invitation_wave(wave)?;
    if today > wave.closes {
        return Err(InviteError::Refused(format!(
            "wave `{}` closed on {}: no reminders",
            wave.id, wave.closes
        )));
    }
    Ok(db::invitations::queue_reminders(
        conn,
        &wave.id,
        today,
        min_days,
        Utc::now().naive_utc(),
    )?)
}

/// Deletes addresses and tokens once the wave has closed; keeps the counts.
pub fn purge(
    conn: &mut Conn,
    wave: &Wave,
    today: NaiveDate,
) -> Result<db::invitations::Counts, InviteError> {
    if today <= wave.closes {
        return Err(InviteError::Refused(format!(
            "wave `{}` is open until {}: purge after it has closed",
            wave.id, wave.closes
        )));
    }
    Ok(db::invitations::purge(conn, &wave.id)?)
}
