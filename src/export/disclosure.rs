//! The suppression decisions that several exports share, taken once from the database's
//! counts by the pure rules of [`crate::stats`], so that no export undoes another:
//!
//! - a **grouping** (age band, area, gender, channel) is shown by `vision-scores-by-group`
//!   (each vision's respondents per group) and, for a question, by `question-distribution`
//!   (its answer counts): the same groups are blanked in all of them
//!   ([`crate::stats::suppress_linked`]);
//!   and the groups are decided for both scopes at once (the sample, and the sample with
//!   the open answers), so that subtracting one download from the other reveals no group
//!   of fewer than the minimum open respondents ([`crate::stats::suppress_scopes`]);
//! - a **scale question** is shown by `question-distribution`, `item-scores` and
//!   `wave-comparison` ([`crate::stats::scale_disclosure`]).

use std::collections::HashMap;

use super::{ExportContext, ExportError, NOT_ANSWERED, answer_codes};
use crate::db;
use crate::db::scores::GroupBy;
use crate::definitions::Wave;
use crate::domain::Scope;
use crate::stats::GENDER_QUESTION;
use crate::stats::GroupSums;
use crate::stats::{AGE_BAND_QUESTION, AREA_QUESTION, SuppressionReason, suppress_scopes};

/// Channels in the by-group export, with their labels.
const CHANNELS: [(&str, &str, &str); 2] = [("web", "ウェブ", "web"), ("paper", "紙", "paper")];

/// The dimensions of `vision-scores-by-group`, with the question (or `channel`) each reads.
pub(crate) const DIMENSIONS: [(GroupBy, &str); 4] = [
    (GroupBy::AgeBand, AGE_BAND_QUESTION),
    (GroupBy::Area, AREA_QUESTION),
    (GroupBy::Gender, GENDER_QUESTION),
    (GroupBy::Channel, "channel"),
];

/// One group of a grouping: its code (`None` = not answered) and labels.
pub(crate) type Group = (Option<String>, String, String);

/// A grouping of one wave with the groups every table of it blanks.
pub(crate) struct Grouping {
    pub groups: Vec<Group>,
    /// Per vision and group.
    pub sums: Vec<GroupSums>,
    /// Per group, as [`suppress_scopes`] decided over the answer counts and every vision,
    /// in both scopes.
    pub reasons: Vec<Option<SuppressionReason>>,
    /// In the scope asked for, the question's answer-count table (`None` for the channel)
    /// is blanked as a whole: its open respondents number 1 to minimum − 1.
    question_blanked: bool,
    /// Likewise each vision's table, in the definitions' order of visions.
    visions_blanked: Vec<bool>,
}

impl Grouping {
    /// The reason a group (by code) is blanked in the question's answer counts, if it is.
    pub fn reason(&self, code: Option<&str>) -> Option<SuppressionReason> {
        if self.question_blanked {
            return Some(SuppressionReason::Primary);
        }
        self.groups
            .iter()
            .position(|g| g.0.as_deref() == code)
            .and_then(|i| self.reasons[i])
    }

    /// Per group, why it is blanked in the table of the `v`-th vision.
    pub fn vision_reasons(&self, v: usize) -> Vec<Option<SuppressionReason>> {
        if self.visions_blanked.get(v).copied().unwrap_or(false) {
            return vec![Some(SuppressionReason::Primary); self.groups.len()];
        }
        self.reasons.clone()
    }

    /// The sums of one vision's group.
    pub fn of<'a>(&'a self, vision_id: &str, code: &Option<String>) -> Vec<&'a GroupSums> {
        self.sums
            .iter()
            .filter(|s| s.vision_id == vision_id && &s.key.0 == code)
            .collect()
    }
}

/// The grouping `by` of `wave`, `None` when the wave does not ask its question.
pub(crate) fn grouping(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    by: GroupBy,
    question: &str,
    scope: Scope,
) -> Result<Option<Grouping>, ExportError> {
    let plan = ctx.plans.of(wave);
    db::scores::ensure_current(conn, &plan)?;
    let mut groups: Vec<Group> = match by {
        GroupBy::Channel => CHANNELS
            .iter()
            .map(|(c, ja, en)| (Some(c.to_string()), ja.to_string(), en.to_string()))
            .collect(),
        _ => match wave.question(question) {
            Some(q) => answer_codes(q)
                .into_iter()
                .map(|(c, ja, en)| (Some(c), ja, en))
                .collect(),
            None => return Ok(None),
        },
    };
    if by != GroupBy::Channel {
        groups.push((None, NOT_ANSWERED.0.into(), NOT_ANSWERED.1.into()));
    }
    // Both scopes are read: the decision is the same whichever is asked for.
    let sample = db::scores::by_group(conn, &wave.id, by, Scope::Sample)?;
    let with_open = db::scores::by_group(conn, &wave.id, by, Scope::WithOpenAnswers)?;
    // A code stored but no longer defined still counts: it gets its own group.
    for s in &with_open {
        if !groups.iter().any(|g| g.0 == s.key.0) {
            let code = s.key.0.clone().unwrap_or_default();
            groups.push((s.key.0.clone(), code.clone(), code));
        }
    }
    let first = ctx.definitions.visions.first().map(|v| v.id.as_str());
    let count = |sums: &[GroupSums], vision: Option<&str>, code: &Option<String>| -> u64 {
        sums.iter()
            .filter(|s| Some(s.vision_id.as_str()) == vision.or(first) && &s.key.0 == code)
            .map(|s| if vision.is_some() { s.n } else { s.respondents })
            .sum()
    };
    // The question's answer counts (every response has a row per vision, so the first
    // vision's respondents are everyone's; not answered is not a cell of that table),
    // then each vision's respondents with a score.
    let tables = |sums: &[GroupSums]| -> Vec<Vec<u64>> {
        let mut tables = Vec::new();
        if by != GroupBy::Channel {
            tables.push(
                groups
                    .iter()
                    .map(|(code, _, _)| code.as_ref().map_or(0, |_| count(sums, None, code)))
                    .collect(),
            );
        }
        for vision in &ctx.definitions.visions {
            tables.push(
                groups
                    .iter()
                    .map(|(code, _, _)| count(sums, Some(&vision.id), code))
                    .collect(),
            );
        }
        tables
    };
    let decided = suppress_scopes(
        &tables(&sample),
        &tables(&with_open),
        ctx.min_group_size.max(1),
    );
    let mut blanked: Vec<bool> = match scope {
        Scope::Sample => vec![false; decided.with_open_blanked.len()],
        Scope::WithOpenAnswers => decided.with_open_blanked,
    };
    let question_blanked = by != GroupBy::Channel && blanked.remove(0);
    Ok(Some(Grouping {
        groups,
        sums: match scope {
            Scope::Sample => sample,
            Scope::WithOpenAnswers => with_open,
        },
        reasons: decided.reasons,
        question_blanked,
        visions_blanked: blanked,
    }))
}

/// The groupings whose question `question-distribution` shows, by question id.
pub(super) fn groupings_by_question(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
) -> Result<HashMap<String, Grouping>, ExportError> {
    let mut out = HashMap::new();
    for (by, question) in DIMENSIONS {
        if by == GroupBy::Channel {
            continue;
        }
        if let Some(g) = grouping(conn, ctx, wave, by, question, scope)? {
            out.insert(question.to_string(), g);
        }
    }
    Ok(out)
}
