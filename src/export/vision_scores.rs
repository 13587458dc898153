//! `vision-scores`: one row per vision with its score and spread, unweighted and weighted
//! as weighting.toml says: post-stratified to the population (`population.csv`, the
//! default) or raked to register margins, then with the raking's diagnostic columns
//! ([`super::weighted::RAKE_HEADER`]).
//!
//! Read from the running totals `vision_score_sums` ([`db::scores`]): per vision, age band
//! and area, the number of respondents and the sums of their scores, a few thousand rows
//! at most, so the export costs the same for 100 or 1,000,000 responses.

use std::io::Write;

use super::{CsvWriter, ExportContext, ExportError, fixed, opt, weighted};
use crate::db;
use crate::definitions::Wave;
use crate::domain::Scope;
use crate::stats::ScorePlan;
use crate::stats::{GroupSums, SCORE_SHIFT, TOP2_SHIFT, summary_of};
use crate::stats::{StratumAnswers, Summary, ValueSums, WeightingOptions, post_stratify_groups};
use crate::weights::WaveWeighting;

/// The unweighted columns (also those of the published open data).
pub const VISION_SCORES_HEADER: [&str; 11] = [
    "wave_id",
    "vision_id",
    "vision_name_ja",
    "vision_name_en",
    "respondents",
    "mean_score",
    "sd",
    "ci95_lower",
    "ci95_upper",
    "top2_box_pct",
    "suppressed",
];

/// The weighted columns the export adds after [`VISION_SCORES_HEADER`].
pub const WEIGHTED_HEADER: [&str; 7] = [
    "weighted_mean",
    "weighted_se",
    "weighted_ci95_lower",
    "weighted_ci95_upper",
    "weighted_top2_box_pct",
    "weighted_kish_deff",
    "weighted_effective_n",
];

/// A vision's weighted score and top-2 share (0–1).
pub(crate) use super::weighted::Weighted;

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let plan = ctx.plans.of(wave);
    db::scores::ensure_current(conn, &plan)?;
    let sums = db::scores::by_stratum(conn, &wave.id, scope)?;
    // With the open answers, a vision's figure minus the sample's (the other download)
    // would be the open respondents': it is blanked while they number 1 to minimum − 1.
    let sample = match scope {
        Scope::Sample => None,
        Scope::WithOpenAnswers => Some(db::scores::by_stratum(conn, &wave.id, Scope::Sample)?),
    };
    let min = ctx.min_group_size.max(1);
    let Weights {
        visions: weighted,
        rake_columns,
        ..
    } = weight(conn, ctx, wave, &plan, scope, &sums)?;
    for vision in &ctx.definitions.visions {
        let mine: Vec<&GroupSums> = sums.iter().filter(|s| s.vision_id == vision.id).collect();
        let mut row = vec![
            wave.id.clone(),
            vision.id.clone(),
            vision.name.ja.clone(),
            vision.name.en.clone(),
        ];
        let n = |sums: &[&GroupSums]| summary_of(sums).map_or(0, |s| s.n);
        let open = sample.as_ref().map_or(0, |sample| {
            let theirs: Vec<&GroupSums> =
                sample.iter().filter(|s| s.vision_id == vision.id).collect();
            n(&mine).saturating_sub(n(&theirs))
        });
        let summary = summary_of(&mine).filter(|_| open == 0 || open >= min);
        let shown = summary.filter(|s| s.n >= min);
        row.extend(figures(summary, ctx.min_group_size));
        let w = shown.and_then(|_| weighted.iter().find(|(id, _)| *id == vision.id)?.1);
        row.extend(weighted_figures(w));
        if let Some(columns) = &rake_columns {
            row.extend(columns.iter().cloned());
        }
        csv.write(&row)?;
    }
    Ok(())
}

/// Each vision's weighted figures and, for a raked wave, the diagnostic columns.
pub(crate) struct Weights<'a> {
    pub visions: Vec<(&'a str, Option<Weighted>)>,
    /// [`super::weighted::RAKE_HEADER`]'s cells, for a raked wave.
    pub rake_columns: Option<Vec<String>>,
    /// The smallest and largest weight of the wave's respondents, when it is weighted.
    pub weight_range: Option<(f64, f64)>,
}

/// Each vision's weighted figures as weighting.toml says (`None` when the wave cannot be
/// weighted; the reason is logged, and for a raked wave it is also in the
/// `weighting_status` column).
pub(crate) fn weight<'a>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    plan: &'a ScorePlan,
    scope: Scope,
    sums: &[GroupSums],
) -> Result<Weights<'a>, ExportError> {
    if let Some(WaveWeighting::Rake(spec)) = ctx.weighting(&wave.id) {
        let cells = weighted::cell_sums(conn, &wave.id, scope)?;
        let result = weighted::rake_wave(spec, plan, &cells);
        let weight_range = result.as_ref().ok().map(|raked| {
            let d = raked.diagnostics();
            (d.min_weight, d.max_weight)
        });
        let visions = match &result {
            Ok(raked) => weighted::raked_visions(raked, plan, &cells),
            Err(e) => {
                tracing::warn!(wave = %wave.id, reason = %e, "weighted columns left blank");
                plan.vision_ids.iter().map(|v| (v.as_str(), None)).collect()
            }
        };
        return Ok(Weights {
            visions,
            rake_columns: Some(weighted::rake_columns(spec, &result)),
            weight_range,
        });
    }
    let (visions, weight_range) = post_stratified(ctx, wave, plan, sums);
    Ok(Weights {
        visions,
        rake_columns: None,
        weight_range,
    })
}

/// A post-stratified wave's vision figures and its (smallest, largest) weight.
type PostStratified<'a> = (Vec<(&'a str, Option<Weighted>)>, Option<(f64, f64)>);

/// Each vision's post-stratified figures, `None` when the wave cannot be weighted (the
/// reason is logged), and the smallest and largest weight (every post-stratum has
/// respondents).
fn post_stratified<'a>(
    ctx: &ExportContext,
    wave: &Wave,
    plan: &'a ScorePlan,
    sums: &[GroupSums],
) -> PostStratified<'a> {
    let unweighted = || {
        (
            plan.vision_ids.iter().map(|v| (v.as_str(), None)).collect(),
            None,
        )
    };
    let Some(population) = ctx.population(&wave.id) else {
        return unweighted();
    };
    let Some(first) = plan.vision_ids.first() else {
        return (Vec::new(), None);
    };
    // Every response has one row per vision, so the first vision's groups are everyone's.
    let groups: Vec<&GroupSums> = sums.iter().filter(|s| &s.vision_id == first).collect();
    let answers: Vec<(StratumAnswers<'_>, u64)> = groups
        .iter()
        .map(|g| {
            (
                StratumAnswers {
                    age_band: g.key.0.as_deref(),
                    area: g.key.1.as_deref(),
                },
                g.respondents,
            )
        })
        .collect();
    let strata = match post_stratify_groups(population, &answers, WeightingOptions::default()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(wave = %wave.id, reason = %e, "weighted columns left blank");
            return unweighted();
        }
    };
    let range = strata
        .strata()
        .iter()
        .map(|s| s.weight)
        .fold(None, |r: Option<(f64, f64)>, w| {
            Some(r.map_or((w, w), |(lo, hi)| (lo.min(w), hi.max(w))))
        });
    let visions = plan
        .vision_ids
        .iter()
        .map(|vision| {
            let find = |g: &GroupSums| {
                sums.iter()
                    .find(|s| &s.vision_id == vision && s.key == g.key)
                    .cloned()
                    .unwrap_or_default()
            };
            let mine: Vec<GroupSums> = groups.iter().map(|g| find(g)).collect();
            let score: Vec<ValueSums> = mine
                .iter()
                .map(|g| ValueSums {
                    n: g.n,
                    sum: g.score_sum,
                    sum_sq: g.score_sum_sq,
                })
                .collect();
            let top2: Vec<ValueSums> = mine
                .iter()
                .map(|g| ValueSums {
                    n: g.n,
                    sum: g.top2_shifted_sum,
                    sum_sq: g.top2_sum_sq,
                })
                .collect();
            let w = strata
                .weighted_mean(&score, SCORE_SHIFT)
                .zip(strata.weighted_mean(&top2, TOP2_SHIFT));
            (vision.as_str(), w)
        })
        .collect();
    (visions, range)
}

/// The seven unweighted figure columns of a row.
pub(super) fn figures(summary: Option<Summary>, min_group_size: u64) -> Vec<String> {
    let n = summary.map_or(0, |s| s.n);
    match summary {
        Some(s) if n >= min_group_size.max(1) => vec![
            s.n.to_string(),
            fixed(s.mean),
            opt(s.sd),
            opt(s.ci95.map(|c| c.0)),
            opt(s.ci95.map(|c| c.1)),
            fixed(s.top2_pct),
            "false".into(),
        ],
        _ => {
            let mut blank = vec![String::new(); 6];
            blank.push("true".into());
            blank
        }
    }
}

/// The weighted columns; blank without weights.
fn weighted_figures(w: Option<Weighted>) -> Vec<String> {
    match w {
        Some((score, top2)) => vec![
            fixed(score.mean),
            opt(score.se),
            opt(score.ci95.map(|c| c.0)),
            opt(score.ci95.map(|c| c.1)),
            fixed(top2.mean * 100.0),
            fixed(score.kish_deff),
            fixed(score.effective_n()),
        ],
        None => vec![String::new(); WEIGHTED_HEADER.len()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_groups_are_blanked_and_flagged() {
        let s = Summary {
            n: 9,
            mean: 50.0,
            sd: Some(10.0),
            ci95: Some((40.0, 60.0)),
            top2_pct: 30.0,
        };
        assert_eq!(figures(Some(s), 10), vec!["", "", "", "", "", "", "true"]);
        assert_eq!(
            figures(Some(s), 9),
            vec![
                "9", "50.0000", "10.0000", "40.0000", "60.0000", "30.0000", "false"
            ]
        );
        assert_eq!(figures(None, 0), vec!["", "", "", "", "", "", "true"]);
        assert_eq!(weighted_figures(None), vec![""; 7]);
    }
}
