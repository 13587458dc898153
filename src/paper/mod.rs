//! Paper questionnaires of postal waves: the printable booklet ([`questionnaire`]), blind
//! double data entry of the returned sheets (this module, with [`sheet`] for what an
//! operator keys) and the vendor's CSV ([`import`]). Shared by the analyst workspace and
//! the CLI.
//!
//! Every paper response is stored by [`db::submit::store`] like a web one (channel
//! `paper`, in the sample, the access code used up in the same transaction; first answer
//! wins; a sheet returned without its code: channel `paper_no_code`, no credential, see
//! [`SheetKey`]), dated with the day its sheet was received (the batch's day on the entry page, the
//! first entry's when two differ; the vendor's `received_on`). It holds no operator, no
//! code and no time. A sheet waiting for its second entry or a resolution lives in `paper_sheets` only
//! until then: its row is deleted in the transaction that stores the response.

pub mod import;
pub mod questionnaire;
pub mod sheet;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use diesel::Connection;
use diesel::prelude::QueryResult;

use crate::db::submit::{Stored, Submission};
use crate::db::{self, Conn};
use crate::definitions::{Access, Wave};
use crate::domain::{AccessCode, Answers, Channel, Credential};
use crate::stats::ScorePlan;
pub use sheet::{LANG_KEY, NO_ANSWER, RECEIVED_KEY, Sheet, SheetError, SheetProblem, read_sheet};

/// Paper entry needs the sheet's access code: only postal (`access = "code"`) waves.
pub fn require_code_wave(wave: &Wave) -> Result<(), String> {
    if wave.access == Access::Code {
        Ok(())
    } else {
        Err(format!(
            "wave `{}` is `access = \"{}\"`: paper sheets are keyed by their access code, so paper entry and import need a postal wave (`access = \"code\"`)",
            wave.id,
            wave.access.name()
        ))
    }
}

/// The explicit marker of a sheet returned without its access code, followed by the sheet
/// number written on it when it arrived: `NOCODE-12` (typed on the entry page, or in the
/// vendor file's `code` column).
pub const NO_CODE: &str = "NOCODE";

/// What identifies a returned sheet while it is keyed: its access code, or — for a sheet
/// that came back without it — the explicit "no code" marker and the running number the
/// office wrote on the sheet. The number only pairs the two blind entries of one sheet
/// (the pending row is keyed by a hash of wave and number) and is never stored with the
/// response: nothing links a code-less sheet to a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SheetKey {
    Code(AccessCode),
    NoCode {
        sheet: u32,
        /// Whether the sheet goes into the estimates (in the sample); false while
        /// `SURVEY_EXCLUDE_NO_CODE_SHEETS` is set. Not part of the sheet's identity.
        in_estimates: bool,
    },
}

impl SheetKey {
    /// `NOCODE-12` (also `nocode 12`, full-width, `NOCODE12`): the sheet number, or why not;
    /// None when the text is not a no-code marker at all.
    pub fn parse_no_code(typed: &str) -> Option<Result<u32, String>> {
        let t = sheet::half_width(typed.trim()).to_ascii_uppercase();
        let rest = t.strip_prefix(NO_CODE)?;
        let number = rest.trim_start_matches([' ', '-', '_']).trim();
        Some(match number.parse::<u32>() {
            Ok(n) if n > 0 => Ok(n),
            _ => Err(format!(
                "`{}`: a sheet without its code is `{NO_CODE}-` and the sheet number written on it (a whole number from 1, e.g. {NO_CODE}-12)",
                typed.trim()
            )),
        })
    }

    /// The form in which a page carries the key (`_code`) and a vendor writes it.
    pub fn as_text(&self) -> String {
        match self {
            SheetKey::Code(c) => c.as_str().to_string(),
            SheetKey::NoCode { sheet, .. } => format!("{NO_CODE}-{sheet}"),
        }
    }

    /// As shown to an operator.
    pub fn shown(&self) -> String {
        match self {
            SheetKey::Code(c) => c.grouped(),
            SheetKey::NoCode { .. } => self.as_text(),
        }
    }

    /// The key of the sheet's pending row: the code's hash, or a hash of the wave and the
    /// sheet number (so that the two blind entries of one code-less sheet pair).
    pub fn pending_key(&self, wave_id: &str) -> String {
        use sha2::{Digest, Sha256};
        match self {
            SheetKey::Code(c) => c.hash(),
            SheetKey::NoCode { sheet, .. } => hex::encode(Sha256::digest(
                format!("{NO_CODE}\n{wave_id}\n{sheet}").as_bytes(),
            )),
        }
    }
}

/// Where a typed code stands for the operator about to key its sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeState {
    /// Not a code issued for this wave.
    Unknown,
    /// Already answered (on the web, or on paper before): a duplicate, nothing to key.
    Used,
    /// Not keyed yet: this is the first entry.
    Fresh,
    /// Keyed once, by someone else: this is the blind second entry.
    AwaitingSecond,
    /// Keyed once by this operator: someone else must key the second entry.
    KeyedByYou,
    /// Keyed twice with disagreements: waiting for a resolution.
    AwaitingResolution,
    /// Waiting for a resolution, and this operator keyed one of its entries: a third
    /// person must resolve it (the resolver sees both entries).
    ResolveByAnother,
}

pub fn code_state(
    conn: &mut Conn,
    wave: &Wave,
    key: &SheetKey,
    operator_id: &str,
) -> QueryResult<CodeState> {
    if let SheetKey::Code(code) = key {
        let Some(holder) = db::access_codes::find(conn, code)? else {
            return Ok(CodeState::Unknown);
        };
        if holder.wave_id != wave.id {
            return Ok(CodeState::Unknown);
        }
        if holder.used {
            return Ok(CodeState::Used);
        }
    }
    Ok(match db::paper::find(conn, &key.pending_key(&wave.id))? {
        None => CodeState::Fresh,
        Some(p) if p.wave_id != wave.id => CodeState::Unknown,
        Some(p) if p.second_entry.is_some() && p.keyed_by(operator_id) => {
            CodeState::ResolveByAnother
        }
        Some(p) if p.second_entry.is_some() => CodeState::AwaitingResolution,
        Some(p) if p.first_operator.as_deref() == Some(operator_id) => CodeState::KeyedByYou,
        Some(_) => CodeState::AwaitingSecond,
    })
}

/// What keying a sheet did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOutcome {
    /// The first entry is kept until a second operator keys the sheet.
    FirstKept,
    /// The second entry agreed with the first: the sheet is now a response.
    Stored,
    /// The second entry disagreed on these keys (question ids, [`LANG_KEY`]): both are
    /// kept for a resolution, nothing is stored yet.
    Disagreed(Vec<String>),
    /// The code was used meanwhile (web or paper): nothing stored.
    Duplicate,
    /// Not a code of this wave.
    Unknown,
    /// This operator keyed the first entry: the second must be someone else's.
    KeyedByYou,
    /// Both entries are in already: resolve the sheet instead.
    AwaitingResolution,
    /// The second entry leaves `blank` of the `answered` questions of the first entry
    /// blank: refused as incomplete (stored, it would show the resolver every value of the
    /// first entry as a disagreement), nothing kept.
    Incomplete { blank: usize, answered: usize },
}

/// The submission of a paper sheet: channel `paper`, in the sample, its code used up in
/// the transaction that stores it; without its code, channel `paper_no_code` and no
/// credential (in the sample unless code-less sheets are left out of the estimates).
fn sheet_submission(
    plan: &Arc<ScorePlan>,
    key: &SheetKey,
    today: NaiveDate,
    answers: &Answers,
) -> Submission {
    let (channel, in_sample, credential) = match key {
        SheetKey::Code(code) => (Channel::Paper, true, Some(Credential::Code(code.clone()))),
        SheetKey::NoCode { in_estimates, .. } => (Channel::PaperNoCode, *in_estimates, None),
    };
    Submission {
        plan: plan.clone(),
        channel,
        in_sample,
        credential,
        submitted_on: today,
        answers: answers.clone(),
    }
}

/// The response stored for a paper sheet ([`sheet_submission`]).
fn store_sheet(
    conn: &mut Conn,
    plan: &Arc<ScorePlan>,
    key: &SheetKey,
    today: NaiveDate,
    answers: &Answers,
) -> QueryResult<Stored> {
    db::submit::store(conn, &sheet_submission(plan, key, today, answers))
}

/// How long keying, resolving and importing wait for a long read to end so that SQLite's
/// log can be emptied after their commit ([`db::wal`]).
const LOG_PATIENCE: std::time::Duration = std::time::Duration::from_secs(2);

/// Keys one entry of a sheet: the first is kept; the second (by another operator, who has
/// not seen the first) is compared field by field and, when both agree, the sheet becomes
/// a response and its pending row is deleted, in one transaction.
/// The audit line (by the operator's name `analyst`) is written in the same transaction.
#[allow(clippy::too_many_arguments)]
pub fn enter(
    conn: &mut Conn,
    plan: &Arc<ScorePlan>,
    wave: &Wave,
    code: &SheetKey,
    (operator_id, analyst): (&str, &str),
    entry: (&Sheet, &Answers),
    received_on: NaiveDate,
) -> QueryResult<EntryOutcome> {
    let outcome = conn.transaction(|conn| -> QueryResult<EntryOutcome> {
        let outcome = enter_sheet(conn, plan, wave, code, operator_id, entry, received_on)?;
        let audit = match &outcome {
            EntryOutcome::FirstKept => Some(("paper_entry", "1 sheet: first entry".to_string())),
            EntryOutcome::Stored => Some((
                "paper_verify",
                "1 sheet: second entry agreed, stored".to_string(),
            )),
            EntryOutcome::Disagreed(keys) => Some((
                "paper_verify",
                format!("1 sheet: second entry, {} fields disagree", keys.len()),
            )),
            _ => None,
        };
        if let Some((action, detail)) = audit {
            db::audit::record(conn, analyst, action, Some(&wave.id), &detail)?;
        }
        Ok(outcome)
    })?;
    // Neither the pending entries nor the stored sheet stay in SQLite's log.
    db::wal::empty_within(conn, LOG_PATIENCE);
    Ok(outcome)
}

fn enter_sheet(
    conn: &mut Conn,
    plan: &Arc<ScorePlan>,
    wave: &Wave,
    code: &SheetKey,
    operator_id: &str,
    entry: (&Sheet, &Answers),
    received_on: NaiveDate,
) -> QueryResult<EntryOutcome> {
    let hash = code.pending_key(&wave.id);
    {
        match code_state(conn, wave, code, operator_id)? {
            CodeState::Unknown => return Ok(EntryOutcome::Unknown),
            CodeState::Used => {
                db::paper::delete(conn, &hash)?;
                return Ok(EntryOutcome::Duplicate);
            }
            CodeState::KeyedByYou => return Ok(EntryOutcome::KeyedByYou),
            CodeState::AwaitingResolution | CodeState::ResolveByAnother => {
                return Ok(EntryOutcome::AwaitingResolution);
            }
            CodeState::Fresh => {
                if db::paper::insert_first(conn, &hash, &wave.id, &entry.0.to_json(), operator_id)?
                {
                    return Ok(EntryOutcome::FirstKept);
                }
                // Another first entry of this sheet was stored meanwhile: this one is the
                // second, unless the same operator sent it twice.
            }
            CodeState::AwaitingSecond => {}
        }
        let pending = db::paper::find(conn, &hash)?.ok_or(diesel::result::Error::NotFound)?;
        if pending.first_operator.as_deref() == Some(operator_id) {
            return Ok(EntryOutcome::KeyedByYou);
        }
        let first = Sheet::from_json(&pending.first_entry).unwrap_or_default();
        let (blank, answered) = sheet::left_blank(&first, entry.0);
        if sheet::incomplete(blank, answered) {
            return Ok(EntryOutcome::Incomplete { blank, answered });
        }
        let differ = sheet::differences(wave, &first, entry.0);
        if !differ.is_empty() {
            db::paper::set_second(conn, &hash, &entry.0.to_json(), operator_id)?;
            return Ok(EntryOutcome::Disagreed(differ));
        }
        db::paper::delete(conn, &hash)?;
        // The day the sheet was received: the first entry's batch day.
        let day = first.received().unwrap_or(received_on);
        Ok(match store_sheet(conn, plan, code, day, entry.1)? {
            Stored::New | Stored::Replay => EntryOutcome::Stored,
            Stored::CredentialRefused => EntryOutcome::Duplicate,
        })
    }
}

/// A sheet waiting for a resolution: both entries and the keys on which they differ.
#[derive(Debug, Clone)]
pub struct Conflict {
    pub first: Sheet,
    pub second: Sheet,
    pub differ: Vec<String>,
}

impl Conflict {
    /// The sheet as resolved: what both entries said, and the resolver's `typed` values
    /// where they disagreed (a key the resolver left out stays out).
    pub fn resolved(&self, typed: &BTreeMap<String, String>) -> BTreeMap<String, String> {
        let mut resolved: BTreeMap<String, String> = self
            .first
            .0
            .iter()
            .filter(|(k, _)| !self.differ.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for key in &self.differ {
            let Some(v) = typed.get(key) else { continue };
            // One key takes either entry's value as it was keyed ("<" the first, ">" the
            // second; full-width from an IME too).
            let value = match sheet::half_width(v.trim()).as_str() {
                sheet::TAKE_FIRST => self.first.0.get(key).cloned(),
                sheet::TAKE_SECOND => self.second.0.get(key).cloned(),
                _ => Some(v.clone()),
            };
            if let Some(value) = value {
                resolved.insert(key.clone(), value);
            }
        }
        resolved
    }
}

pub fn conflict(conn: &mut Conn, wave: &Wave, code: &SheetKey) -> QueryResult<Option<Conflict>> {
    let Some(p) = db::paper::find(conn, &code.pending_key(&wave.id))? else {
        return Ok(None);
    };
    if p.wave_id != wave.id {
        return Ok(None);
    }
    let (Some(first), Some(second)) = (
        Sheet::from_json(&p.first_entry),
        p.second_entry.as_deref().and_then(Sheet::from_json),
    ) else {
        return Ok(None);
    };
    let differ = sheet::differences(wave, &first, &second);
    Ok(Some(Conflict {
        first,
        second,
        differ,
    }))
}

/// What resolving a sheet did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResolveOutcome {
    Stored,
    /// The code was used meanwhile: nothing stored, the pending sheet deleted.
    Duplicate,
    /// No sheet of this code waits for a resolution (resolved meanwhile, or never keyed).
    NotPending,
    /// The resolver keyed one of the sheet's entries: a third person must resolve it.
    KeyedByYou,
}

/// Stores the resolved sheet (the resolver's values where the entries disagreed) and
/// deletes the pending row — unless the resolver `operator_id` keyed one of its entries — with the audit line by `analyst` (`differ` fields resolved),
/// in one transaction.
pub fn resolve(
    conn: &mut Conn,
    plan: &Arc<ScorePlan>,
    wave: &Wave,
    code: &SheetKey,
    (operator_id, analyst, differ): (&str, &str, usize),
    answers: &Answers,
    today: NaiveDate,
) -> QueryResult<ResolveOutcome> {
    let hash = code.pending_key(&wave.id);
    let outcome = conn.transaction(|conn| -> QueryResult<ResolveOutcome> {
        let p_first = match db::paper::find(conn, &hash)? {
            Some(p) if p.wave_id == wave.id && p.second_entry.is_some() => {
                if p.keyed_by(operator_id) {
                    return Ok(ResolveOutcome::KeyedByYou);
                }
                p.first_entry
            }
            _ => return Ok(ResolveOutcome::NotPending),
        };
        let day = Sheet::from_json(&p_first)
            .and_then(|s| s.received())
            .unwrap_or(today);
        db::paper::delete(conn, &hash)?;
        let outcome = match store_sheet(conn, plan, code, day, answers)? {
            Stored::New | Stored::Replay => ResolveOutcome::Stored,
            Stored::CredentialRefused => ResolveOutcome::Duplicate,
        };
        if outcome == ResolveOutcome::Stored {
            let detail = format!("1 sheet resolved ({differ} fields), stored");
            db::audit::record(conn, analyst, "paper_resolve", Some(&wave.id), &detail)?;
        }
        Ok(outcome)
    })?;
    // Neither the pending entries nor the stored sheet stay in SQLite's log.
    db::wal::empty_within(conn, LOG_PATIENCE);
    Ok(outcome)
}
