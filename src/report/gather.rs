//! Reads what the report needs of a wave from the database, through the same functions the
//! exports use (kept counts, running totals, groupings), plus one pass over the responses
//! for the cross tables; holds the connection only for that.

use std::collections::HashMap;

use super::ReportError;
use super::build::{DIMENSIONS, GroupingData, WaveData};
use super::model::Edition;
use super::tabulate::{Dimension, QuestionSpec, Tabulator};
use crate::db;
use crate::db::scores::GroupBy;
use crate::definitions::{QuestionKind, Wave};
use crate::domain::Scope;
use crate::export::{ExportContext, answer_codes};
use crate::stats::{GroupSums, summary_of};

/// The report describes the wave's sample (open answers beside it are counted in Ⅰ only).
const SCOPE: Scope = Scope::Sample;

fn group_by(dim: &str) -> GroupBy {
    match dim {
        "gender" => GroupBy::Gender,
        "age_band" => GroupBy::AgeBand,
        "area" => GroupBy::Area,
        _ => GroupBy::Channel,
    }
}

/// Everything of one wave (see [`WaveData`]). In the public edition the wave must be
/// published, and published with exactly the responses it has now: the public report then
/// describes the same respondents as `/results`, and a late sheet reaches it only through
/// a new publication (which the differencing guard checks).
pub fn gather(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    edition: Edition,
    mask_rules: &crate::language::MaskRules,
) -> Result<WaveData, ReportError> {
    let plan = ctx.plans.of(wave);
    db::scores::ensure_current(conn, &plan)?;
    db::counts::ensure_current(conn, &wave.id)?;
    let responses_all = db::counts::count(conn, &wave.id)? as u64;
    if edition == Edition::Public {
        let Some(publication) = db::publications::find(conn, &wave.id)? else {
            return Err(ReportError::Refused(format!(
                "wave `{}` is not published: the public edition shows what /results shows, so publish the wave first (workspace, after it closes)",
                wave.id
            )));
        };
        let published = u64::try_from(publication.responses).unwrap_or(0);
        if published != responses_all {
            return Err(ReportError::Refused(format!(
                "wave `{}` has {responses_all} responses now but its publication counts {published}: publish again (the differencing guard checks it) before making the public edition",
                wave.id
            )));
        }
    }
    let min = ctx.min_group_size.max(1);

    // Simple tables: the kept counts, as question-distribution.
    let tabulated: Vec<&crate::definitions::Question> = wave
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
    let ids: Vec<&str> = tabulated.iter().map(|q| q.id.as_str()).collect();
    let value_counts: HashMap<(String, String), u64> =
        db::counts::value_counts(conn, &wave.id, &ids, SCOPE)?
            .into_iter()
            .map(|(q, v, n)| ((q, v), n as u64))
            .collect();
    let answered: HashMap<String, u64> =
        db::counts::respondents_per_question(conn, &wave.id, &ids, SCOPE)?
            .into_iter()
            .map(|(q, n)| (q, n as u64))
            .collect();

    // Groupings as the exports decide them, with each vision's summary per group.
    let mut groupings: Vec<Option<GroupingData>> = Vec::new();
    let mut export_groupings = HashMap::new();
    for dim in DIMENSIONS {
        let g = crate::export::disclosure::grouping(conn, ctx, wave, group_by(dim), dim, SCOPE)?;
        groupings.push(g.as_ref().map(|g| {
            GroupingData {
                groups: g.groups.clone(),
                reasons: g.reasons.clone(),
                visions: ctx
                    .definitions
                    .visions
                    .iter()
                    .map(|v| {
                        (
                            v.id.clone(),
                            g.groups
                                .iter()
                                .map(|(code, _, _)| summary_of(&g.of(&v.id, code)))
                                .collect(),
                        )
                    })
                    .collect(),
            }
        }));
        if let Some(g) = g {
            export_groupings.insert(dim.to_string(), g);
        }
    }
    // The export's decisions per question (public edition), and the 無回答 cell's seed: a
    // breakdown's not-answered group when the question is a breakdown.
    let simple_seeds: HashMap<String, Vec<bool>> = tabulated
        .iter()
        .map(|q| {
            let ns: Vec<u64> = answer_codes(q)
                .iter()
                .map(|(code, _, _)| {
                    value_counts
                        .get(&(q.id.clone(), code.clone()))
                        .copied()
                        .unwrap_or(0)
                })
                .collect();
            let total = answered.get(&q.id).copied().unwrap_or(0);
            let grouping = export_groupings.get(&q.id);
            let mut seed: Vec<bool> =
                crate::export::distribution::decisions(q, &ns, total, grouping, min)
                    .iter()
                    .map(Option::is_some)
                    .collect();
            seed.push(grouping.is_some_and(|g| g.reason(None).is_some()));
            (q.id.clone(), seed)
        })
        .collect();

    // Visions: the running totals by stratum and the weighted figures, as vision-scores.
    let sums = db::scores::by_stratum(conn, &wave.id, SCOPE)?;
    let weighted = crate::export::vision_scores::weight(conn, ctx, wave, &plan, SCOPE, &sums)
        .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?
        .visions;
    let visions = ctx
        .definitions
        .visions
        .iter()
        .map(|v| {
            let mine: Vec<&GroupSums> = sums.iter().filter(|s| s.vision_id == v.id).collect();
            let w = weighted
                .iter()
                .find(|(id, _)| *id == v.id)
                .and_then(|(_, w)| *w);
            (v.id.clone(), summary_of(&mine), w)
        })
        .collect();
    let item_counts = crate::export::items::counts(conn, wave, SCOPE)?;

    // Channels from the kept day counts.
    let mut channels: HashMap<(String, bool), u64> = HashMap::new();
    for (_, channel, in_sample, n) in db::counts::by_day(conn, &wave.id)? {
        // A sheet without its code is a paper sheet (its own line is in 回収状況).
        let channel = if crate::domain::Channel::is_paper_code(&channel) {
            "paper".to_string()
        } else {
            channel
        };
        *channels.entry((channel, in_sample)).or_default() += n as u64;
    }
    // Valid responses only (有効回収数, as `db::counts::WaveCounts` counts them): the sample's
    // sheets without a valid answer come off paper, any others off the web.
    let kept = db::counts::wave_counts(conn, &wave.id)?;
    let not_valid_paper = kept.not_valid_paper.max(0) as u64;
    let not_valid_other = (kept.not_valid - kept.not_valid_paper).max(0) as u64;
    for ((channel, in_sample), n) in channels.iter_mut() {
        match (channel.as_str(), *in_sample) {
            ("paper", true) => *n = n.saturating_sub(not_valid_paper),
            ("web", true) => *n = n.saturating_sub(not_valid_other),
            _ => {}
        }
    }
    let mut channels: Vec<(String, bool, u64)> =
        channels.into_iter().map(|((c, s), n)| (c, s, n)).collect();
    channels.sort();
    let issued_codes = (wave.access == crate::definitions::Access::Code)
        .then(|| db::counts::wave_counts(conn, &wave.id).map(|c| c.delivered().max(0) as u64))
        .transpose()?;
    let (first, conflicts) = db::paper::counts(conn, &wave.id)?;

    // One pass over the sample's responses for the cross tables.
    let mut tabulator = Tabulator::new(
        tabulated
            .iter()
            .map(|q| QuestionSpec {
                id: q.id.clone(),
                show_if: q
                    .show_if
                    .as_ref()
                    .map(|c| (c.question.clone(), c.equals.clone())),
            })
            .collect(),
        DIMENSIONS
            .iter()
            .map(|d| match *d {
                "channel" => Dimension::Channel,
                q => Dimension::Question(q.to_string()),
            })
            .collect(),
    );
    db::responses::for_each_response(conn, &wave.id, |r| -> Result<(), ReportError> {
        if r.in_sample {
            let pairs = db::responses::decode(r.answers)?;
            // A sheet with no valid answer (blank, or invalid marks only) is returned but
            // not a valid response (有効回答): in no table, as in no count.
            if !crate::domain::is_valid_response(pairs.iter().map(|(_, v)| v.as_ref())) {
                return Ok(());
            }
            let channel = if crate::domain::Channel::is_paper_code(r.channel) {
                "paper"
            } else {
                r.channel
            };
            tabulator.add(channel, &pairs);
        }
        Ok(())
    })?;
    let tabulation = tabulator.finish();

    // Free text, masked as the comments' workflow masks them (patterns, names, addresses,
    // sensitive words), never with anything else of the response.
    let texts: Vec<&str> = wave
        .questions()
        .filter(|q| matches!(q.kind, QuestionKind::Text { .. }))
        .map(|q| q.id.as_str())
        .collect();
    let mut comments = Vec::new();
    db::responses::for_each_text(conn, &wave.id, &texts, |q, v| -> Result<(), ReportError> {
        let masked = crate::language::mask(v, &mask_rules.tokenise(v), mask_rules);
        comments.push((q.to_string(), masked.text));
        Ok(())
    })?;

    Ok(WaveData {
        wave: wave.clone(),
        responses: tabulation.respondents,
        tabulation,
        value_counts,
        answered,
        simple_seeds,
        channels,
        visions,
        groupings,
        item_counts,
        comments,
        issued_codes,
        pending_paper: (first + conflicts) as u64,
    })
}
