//! `question-distribution`: for every choice and scale question, how many respondents gave
//! each answer and their share of those who answered the question.
//!
//! Suppression: a question answered by fewer respondents than the minimum is blanked
//! entirely. Otherwise, for single-choice and scale questions (whose answers partition the
//! respondents) the breakdown rule applies ([`crate::stats::suppress`]: counts below the
//! minimum blanked, then more until the blanked counts hold at least the minimum together;
//! a count of 0 is shown), decided together with the exports that show the same counts
//! ([`super::disclosure`]): age band, area and gender with `vision-scores-by-group`, a
//! scale question with `item-scores` and `wave-comparison`. For multiple-choice questions
//! (answers do not add up to the respondents) each count below the minimum is blanked.

use std::collections::HashMap;
use std::io::Write;

use super::{CsvWriter, ExportContext, ExportError, answer_codes, disclosure, fixed};
use crate::db;
use crate::definitions::{Question, QuestionKind, Wave};
use crate::domain::Scope;
use crate::stats::{SuppressionReason, scale_disclosure, suppress_linked};

pub const HEADER: [&str; 13] = [
    "wave_id",
    "question_id",
    "question_kind",
    "question_ja",
    "question_en",
    "respondents",
    "option_code",
    "option_label_ja",
    "option_label_en",
    "count",
    "share_pct",
    "suppressed",
    "suppression",
];

/// Which answer counts of `q` are blanked (module docs): `ns` are the counts of
/// [`answer_codes`] in order, `total` the respondents who answered, `grouping` the
/// question's grouping when it is a breakdown (age band, area, gender). Shared with the
/// report's public edition.
pub(crate) fn decisions(
    q: &Question,
    ns: &[u64],
    total: u64,
    grouping: Option<&disclosure::Grouping>,
    min: u64,
) -> Vec<Option<SuppressionReason>> {
    if total < min {
        vec![Some(SuppressionReason::Primary); ns.len()]
    } else if matches!(q.kind, QuestionKind::Multiple { .. }) {
        ns.iter()
            .map(|&n| (n < min).then_some(SuppressionReason::Primary))
            .collect()
    } else if let Some(grouping) = grouping {
        answer_codes(q)
            .iter()
            .map(|(code, _, _)| grouping.reason(Some(code)))
            .collect()
    } else if matches!(q.kind, QuestionKind::Scale { .. }) {
        scale_disclosure(ns, min).cells
    } else {
        suppress_linked(&[ns.to_vec()], min)
    }
}

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let questions: Vec<_> = wave
        .questions()
        .filter(|q| {
            matches!(
                q.kind,
                QuestionKind::Scale { .. }
                    | QuestionKind::Single { .. }
                    | QuestionKind::Multiple { .. }
            )
        })
        .collect();
    let ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    let counts: HashMap<(String, String), u64> =
        db::counts::value_counts(conn, &wave.id, &ids, scope)?
            .into_iter()
            .map(|(q, v, n)| ((q, v), n as u64))
            .collect();
    let respondents: HashMap<String, u64> =
        db::counts::respondents_per_question(conn, &wave.id, &ids, scope)?
            .into_iter()
            .map(|(q, n)| (q, n as u64))
            .collect();
    let min = ctx.min_group_size.max(1);
    let groupings = disclosure::groupings_by_question(conn, ctx, wave, scope)?;
    for q in questions {
        let total = respondents.get(&q.id).copied().unwrap_or(0);
        let codes = answer_codes(q);
        let ns: Vec<u64> = codes
            .iter()
            .map(|(code, _, _)| {
                counts
                    .get(&(q.id.clone(), code.clone()))
                    .copied()
                    .unwrap_or(0)
            })
            .collect();
        let decided = decisions(q, &ns, total, groupings.get(&q.id), min);
        let reasons: Vec<(Option<u64>, Option<SuppressionReason>)> = ns
            .iter()
            .zip(decided)
            .map(|(&n, reason)| (reason.is_none().then_some(n), reason))
            .collect();
        for ((code, ja, en), (n, reason)) in codes.iter().zip(reasons) {
            csv.write(&[
                wave.id.clone(),
                q.id.clone(),
                q.kind.name().to_string(),
                q.text.ja.clone(),
                q.text.en.clone(),
                if total < min {
                    String::new()
                } else {
                    total.to_string()
                },
                code.clone(),
                ja.clone(),
                en.clone(),
                n.map(|n| n.to_string()).unwrap_or_default(),
                n.map(|n| fixed(n as f64 / total as f64 * 100.0))
                    .unwrap_or_default(),
                reason.is_some().to_string(),
                reason.map(|r| r.code()).unwrap_or_default().to_string(),
            ])?;
        }
        // Invalid marks on paper: their own row, not among the respondents, no share;
        // a count below the minimum is blanked.
        if let Some((code, ja, en)) = super::invalid_code(wave, q) {
            let n = counts
                .get(&(q.id.clone(), code.clone()))
                .copied()
                .unwrap_or(0);
            let shown = (n == 0 || n >= min) && total >= min;
            csv.write(&[
                wave.id.clone(),
                q.id.clone(),
                q.kind.name().to_string(),
                q.text.ja.clone(),
                q.text.en.clone(),
                if total < min {
                    String::new()
                } else {
                    total.to_string()
                },
                code,
                ja,
                en,
                if shown { n.to_string() } else { String::new() },
                String::new(),
                (!shown).to_string(),
                if shown {
                    String::new()
                } else {
                    SuppressionReason::Primary.code().to_string()
                },
            ])?;
        }
    }
    Ok(())
}
