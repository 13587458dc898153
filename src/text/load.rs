//! Reads one free-text question's answers of a wave from the database, masks each at once
//! (nothing unmasked leaves this function) and keeps, at most, the group the analyst asked
//! for. Thin: the analyses are the pure functions beside it.

use super::mask::{MaskRules, Masked, mask};
use super::terms::{TermRules, terms};
use crate::db;
use crate::definitions::{QuestionKind, Wave};
use crate::export::ExportError;

/// A comment as the analyses see it: masked, its terms, and its group if one was asked.
#[derive(Debug, Clone)]
pub struct Comment {
    pub masked: Masked,
    pub terms: Vec<String>,
    pub group: Option<String>,
}

/// Code of the group of respondents who did not answer the grouping question.
pub const NO_ANSWER: &str = "none";

/// What to read.
#[derive(Debug, Clone, Copy)]
pub struct Selection<'a> {
    pub question: &'a str,
    /// A question id of the wave (age_band, area, gender …) or `channel`.
    pub group_by: Option<&'a str>,
    /// Take the open answers beside a postal sample too.
    pub include_open: bool,
}

/// Checks that `question` is a free-text question of `wave` and `group_by` a question of
/// it (or `channel`), with a message naming the allowed ids.
pub fn check_selection(wave: &Wave, selection: &Selection<'_>) -> Result<(), String> {
    let texts: Vec<&str> = wave
        .questions()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .map(|q| q.id.as_str())
        .collect();
    if !texts.contains(&selection.question) {
        return Err(format!(
            "`{}` is not a free-text question of wave {}: use one of {}",
            selection.question,
            wave.id,
            texts.join(", ")
        ));
    }
    if let Some(by) = selection.group_by {
        let groupable: Vec<&str> = wave
            .questions()
            .filter(|q| !q.kind.options().is_empty())
            .map(|q| q.id.as_str())
            .chain(["channel"])
            .collect();
        if !groupable.contains(&by) {
            return Err(format!(
                "cannot group by `{by}`: use one of {}",
                groupable.join(", ")
            ));
        }
    }
    Ok(())
}

/// The masked comments of `selection.question` in `wave`, sorted by their masked text (and
/// group): the same answers give the same analyses — clusters, medoids, ties — whatever
/// the random response ids, and the order says nothing about who answered when. Blank
/// answers are skipped.
pub fn comments(
    conn: &mut db::Conn,
    wave: &Wave,
    selection: &Selection<'_>,
    mask_rules: &MaskRules,
    term_rules: &TermRules,
) -> Result<Vec<Comment>, ExportError> {
    let mut out = Vec::new();
    db::responses::for_each_response(conn, &wave.id, |r| -> Result<(), ExportError> {
        if !r.in_sample && !selection.include_open {
            return Ok(());
        }
        let pairs = db::responses::decode(r.answers)?;
        let Some((_, text)) = pairs.iter().find(|(q, _)| q == selection.question) else {
            return Ok(());
        };
        if text.trim().is_empty() {
            return Ok(());
        }
        let group = selection.group_by.map(|by| {
            if by == "channel" {
                r.channel.to_string()
            } else {
                pairs
                    .iter()
                    .find(|(q, _)| q == by)
                    .map_or(NO_ANSWER.to_string(), |(_, v)| v.to_string())
            }
        });
        let tokens = mask_rules.tokenise(text);
        let masked = mask(text, &tokens, mask_rules);
        // Terms come from the masked text: a masked name is never a term.
        let masked_tokens = mask_rules.tokenise(&masked.text);
        let terms = terms(&masked.text, &masked_tokens, term_rules);
        out.push(Comment {
            masked,
            terms,
            group,
        });
        Ok(())
    })?;
    out.sort_by(|a, b| (a.masked.text.as_str(), &a.group).cmp(&(b.masked.text.as_str(), &b.group)));
    Ok(out)
}
