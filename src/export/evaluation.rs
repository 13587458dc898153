//! `evaluation`: one row per indicator of `targets.toml` for the wave — its figure with the
//! 95% CI, the baseline with its source, the target, the change from the baseline with its
//! interval and p-value, 達成率, the share expected by now, the grade and its reason (ja,
//! en) — and the vision's 見直し decision as recorded in the workspace. The public
//! `/results/{wave}/evaluation.csv` has the same columns, written from the publication
//! snapshot ([`cells`] writes both).
//!
//! Figures come from the totals the `vision-scores` and `item-scores` exports read, with
//! their suppression; a baseline wave's figures are computed the same way (live: analysts
//! see the current state; the public sees what was published).

use std::collections::HashMap;
use std::io::Write;

use super::vision_scores::weight;
use super::{CsvWriter, ExportContext, ExportError, fixed, p_value};
use crate::db;
use crate::definitions::{Definitions, Wave};
use crate::domain::{Lang, Scope};
use crate::evaluation::change::Estimate;
use crate::evaluation::decision::Decision;
use crate::evaluation::figures::{VisionTotals, WaveData, figure};
use crate::evaluation::grade::BaselineFigure;
use crate::evaluation::{EvaluationRow, Indicator, Targets, evaluate_wave, words};
use crate::stats::{SCORE_SHIFT, TOP2_SHIFT};

pub const HEADER: [&str; 43] = [
    "wave_id",
    "vision_id",
    "vision_name_ja",
    "vision_name_en",
    "indicator_id",
    "indicator_ja",
    "indicator_en",
    "measure",
    "item_id",
    "weighted",
    "respondents",
    "value",
    "ci95_lower",
    "ci95_upper",
    "baseline_wave",
    "baseline_source_ja",
    "baseline_source_en",
    "baseline_value",
    "baseline_se",
    "target_value",
    "target_wave",
    "target_year",
    "change",
    "change_ci95_lower",
    "change_ci95_upper",
    "change_p_value",
    "change_test",
    "achievement_pct",
    "expected_pct",
    "progress_pct",
    "rule",
    "band_pct",
    "grade",
    "grade_ja",
    "grade_en",
    "reason_ja",
    "reason_en",
    "suppressed",
    "direction",
    "direction_ja",
    "direction_en",
    "direction_reason",
    "main_opinions",
];

/// The columns of [`HEADER`] that hold computed numbers (added to the exports' list).
pub const NUMERIC: [&str; 13] = [
    "value",
    "baseline_value",
    "baseline_se",
    "target_value",
    "target_year",
    "change",
    "change_ci95_lower",
    "change_ci95_upper",
    "change_p_value",
    "achievement_pct",
    "expected_pct",
    "progress_pct",
    "band_pct",
];

/// The targets, or why there is no evaluation to export (before any byte is written).
pub(super) fn targets(ctx: &ExportContext) -> Result<&Targets, ExportError> {
    match &ctx.targets {
        Ok(Some(t)) => Ok(t),
        Ok(None) => Err(ExportError::Unavailable(format!(
            "there is no {} beside the definitions: nothing to evaluate (docs/evaluation.md)",
            crate::evaluation::TARGETS_FILE
        ))),
        Err(reason) => Err(ExportError::Unavailable(reason.clone())),
    }
}

/// A wave's figures as the evaluation reads them: the vision totals, the weighted figures
/// (when the wave can be weighted) and the items' answer counts.
pub fn wave_data(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
) -> Result<WaveData, ExportError> {
    let plan = ctx.plans.of(wave);
    db::scores::ensure_current(conn, &plan)?;
    let sums = db::scores::by_stratum(conn, &wave.id, scope)?;
    let mut data = WaveData::default();
    for g in &sums {
        let t = data
            .visions
            .entry(g.vision_id.clone())
            .or_insert(VisionTotals {
                score_shift: SCORE_SHIFT,
                top2_shift: TOP2_SHIFT,
                ..Default::default()
            });
        t.n += g.n;
        t.score_sum += g.score_sum;
        t.score_sum_sq += g.score_sum_sq;
        t.top2_sum += g.top2_shifted_sum;
        t.top2_sum_sq += g.top2_sum_sq;
    }
    for (vision, w) in weight(conn, ctx, wave, &plan, scope, &sums)?.visions {
        if let Some((score, top2)) = w {
            let estimate = |e: crate::stats::WeightedEstimate, scale: f64| Estimate::Weighted {
                n: e.n as u64,
                mean: e.mean * scale,
                se: e.se.map(|s| s * scale),
            };
            data.weighted.insert(
                vision.to_string(),
                (estimate(score, 1.0), estimate(top2, 100.0)),
            );
        }
    }
    data.items = super::items::counts(conn, wave, scope)?;
    Ok(data)
}

/// The wave's evaluation from the current responses, baselines of earlier waves included.
pub fn live_rows(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    targets: &Targets,
    wave: &Wave,
    scope: Scope,
) -> Result<Vec<EvaluationRow>, ExportError> {
    let defs = &ctx.definitions;
    let data = wave_data(conn, ctx, wave, scope)?;
    // The earlier waves some indicator takes its baseline from.
    let mut baselines: HashMap<String, WaveData> = HashMap::new();
    for ind in &targets.indicators {
        if let crate::evaluation::Baseline::Wave(id) = &ind.baseline
            && !baselines.contains_key(id)
            && let Some(b) = defs.wave(id).filter(|b| b.opens < wave.opens)
        {
            baselines.insert(id.clone(), wave_data(conn, ctx, b, scope)?);
        }
    }
    let min = ctx.min_group_size;
    let baseline_of = |ind: &Indicator, b: &Wave| {
        BaselineFigure::Wave(
            baselines
                .get(&b.id)
                .map_or(crate::evaluation::grade::Figure::Missing, |d| {
                    figure(ind, d, min)
                }),
        )
    };
    Ok(evaluate_wave(defs, targets, wave, &data, &baseline_of, min))
}

/// The wave's evaluation as it would be published: its figures from the sample's current
/// totals (as the published scores), each baseline wave's figure only as that wave's own
/// publication kept it (an unpublished baseline is "not published", never computed here),
/// and the decisions as recorded. `None` without targets.
pub fn to_publish(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
) -> Result<Option<crate::evaluation::row::Snapshot>, ExportError> {
    let targets = match &ctx.targets {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(None),
        Err(reason) => return Err(ExportError::Unavailable(reason.clone())),
    };
    let defs = &ctx.definitions;
    let data = wave_data(conn, ctx, wave, Scope::Sample)?;
    let mut kept: HashMap<String, Vec<EvaluationRow>> = HashMap::new();
    for ind in &targets.indicators {
        if let crate::evaluation::Baseline::Wave(id) = &ind.baseline
            && !kept.contains_key(id)
        {
            let rows = db::evaluations::published(conn, id)?.map_or(Vec::new(), |(_, s)| s.rows);
            kept.insert(id.clone(), rows);
        }
    }
    let baseline_of = |ind: &Indicator, b: &Wave| {
        crate::evaluation::published_baseline(kept.get(&b.id).map_or(&[][..], Vec::as_slice), ind)
    };
    let rows = evaluate_wave(defs, targets, wave, &data, &baseline_of, ctx.min_group_size);
    let decisions = db::evaluations::decisions(conn, &wave.id)?;
    Ok(Some(crate::evaluation::row::Snapshot { rows, decisions }))
}

/// A row's cells in [`HEADER`]'s order, with its vision's decision if any.
pub fn cells(row: &EvaluationRow, defs: &Definitions, decision: Option<&Decision>) -> Vec<String> {
    let text = |map, lang| EvaluationRow::text(map, lang).to_string();
    let vision = defs.vision(&row.vision_id);
    let opt = |x: Option<f64>| x.map_or(String::new(), fixed);
    let estimate = row.estimate;
    let ci = estimate.and_then(|e| e.ci95());
    let change = row.change;
    let change_ci = change.and_then(|c| c.ci95);
    let direction = decision.and_then(|d| d.direction);
    vec![
        row.wave_id.clone(),
        row.vision_id.clone(),
        vision.map_or(String::new(), |v| v.name.ja.clone()),
        vision.map_or(String::new(), |v| v.name.en.clone()),
        row.indicator_id.clone(),
        text(&row.name, Lang::Ja),
        text(&row.name, Lang::En),
        row.measure.clone(),
        row.item_id.clone().unwrap_or_default(),
        row.weighted.to_string(),
        estimate.map_or(String::new(), |e| e.n().to_string()),
        opt(estimate.map(|e| e.value())),
        opt(ci.map(|c| c.0)),
        opt(ci.map(|c| c.1)),
        row.baseline_wave.clone().unwrap_or_default(),
        text(&row.baseline_source, Lang::Ja),
        text(&row.baseline_source, Lang::En),
        opt(row.baseline_value),
        opt(row.baseline_se),
        fixed(row.target_value),
        row.target_wave.clone().unwrap_or_default(),
        row.target_year.map_or(String::new(), |y| y.to_string()),
        opt(change.map(|c| c.difference)),
        opt(change_ci.map(|c| c.0)),
        opt(change_ci.map(|c| c.1)),
        change
            .and_then(|c| c.p_value)
            .map_or(String::new(), p_value),
        change.map_or(String::new(), |c| c.test.name().to_string()),
        opt(row.achievement_pct),
        opt(row.expected_pct),
        opt(row.progress_pct),
        row.rule.clone(),
        opt(row.band_pct),
        row.grade.code().to_string(),
        words::grade_label(row.grade, Lang::Ja),
        words::grade_label(row.grade, Lang::En),
        row.reason_text(defs, Lang::Ja),
        row.reason_text(defs, Lang::En),
        row.suppressed.to_string(),
        direction.map_or(String::new(), |d| d.code().to_string()),
        direction.map_or(String::new(), |d| crate::i18n::t(Lang::Ja, d.message())),
        direction.map_or(String::new(), |d| crate::i18n::t(Lang::En, d.message())),
        decision.map_or(String::new(), |d| d.reason.clone()),
        decision.map_or(String::new(), |d| d.opinions.clone()),
    ]
}

/// Writes the rows with each vision's decision.
pub fn write_rows<W: Write>(
    csv: &mut CsvWriter<W>,
    defs: &Definitions,
    rows: &[EvaluationRow],
    decisions: &[Decision],
) -> Result<(), ExportError> {
    for row in rows {
        let decision = decisions.iter().find(|d| d.vision_id == row.vision_id);
        csv.write(&cells(row, defs, decision))?;
    }
    Ok(())
}

pub(super) fn write<W: Write>(
    conn: &mut db::Conn,
    ctx: &ExportContext,
    wave: &Wave,
    scope: Scope,
    csv: &mut CsvWriter<W>,
) -> Result<(), ExportError> {
    let targets = targets(ctx)?;
    let rows = live_rows(conn, ctx, targets, wave, scope)?;
    let decisions = db::evaluations::decisions(conn, &wave.id)?;
    write_rows(csv, &ctx.definitions, &rows, &decisions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_and_a_row_have_the_same_width_and_numbers_are_numeric() {
        let defs =
            crate::definitions::load_dir(std::path::Path::new("survey-definitions")).unwrap();
        let targets =
            crate::evaluation::targets::load(std::path::Path::new("survey-definitions"), &defs)
                .unwrap()
                .unwrap();
        let wave = defs.wave("2026-midterm").unwrap();
        let mut data = WaveData::default();
        data.visions.insert(
            "v1".into(),
            VisionTotals {
                n: 4,
                score_shift: 50.0,
                score_sum: 0.0,
                score_sum_sq: 2500.0,
                top2_shift: 0.5,
                top2_sum: 0.0,
                top2_sum_sq: 1.0,
            },
        );
        let none = |_: &Indicator, _: &Wave| BaselineFigure::NotPublished;
        let rows = evaluate_wave(&defs, &targets, wave, &data, &none, 2);
        let decision = Decision::parse("v1", "improve", "理由", "=1+1").unwrap();
        let cells = cells(&rows[0], &defs, Some(&decision));
        assert_eq!(cells.len(), HEADER.len());
        let at = |name: &str| &cells[HEADER.iter().position(|h| *h == name).unwrap()];
        assert_eq!(at("respondents"), "4");
        assert_eq!(at("value"), "50.0000");
        assert_eq!(at("baseline_value"), "45.0000");
        assert_eq!(at("change"), "5.00000");
        assert_eq!(at("grade"), "needs_improvement");
        assert_eq!(at("grade_ja"), "要改善");
        assert_eq!(at("direction_ja"), "改善");
        assert!(
            at("reason_en").starts_with("An achievement of 33.3%"),
            "{}",
            at("reason_en")
        );
        // Written through the CSV writer, the analyst's text is neutralised, numbers not.
        let mut csv = CsvWriter::new(Vec::new(), super::super::Encoding::Utf8, &HEADER)
            .unwrap()
            .numeric_columns(&super::super::NUMERIC_COLUMNS);
        write_rows(&mut csv, &defs, &rows[..1], &[decision]).unwrap();
        let text = String::from_utf8(csv.finish().unwrap()).unwrap();
        assert!(text.contains(",'=1+1"), "{text}");
        for n in NUMERIC {
            assert!(super::super::NUMERIC_COLUMNS.contains(&n), "{n}");
        }
    }
}
