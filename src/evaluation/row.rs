//! One indicator's evaluation in one wave, as a self-contained row: what the analysts'
//! `evaluation` export writes, and what a publication keeps (serialised) so that the public
//! table and `evaluation.csv` never depend on the targets file or the responses afterwards.
//! Texts are kept in every language; reasons are kept as codes and put in words when shown.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::change::{Change, Estimate};
use super::figures::{WaveData, figure};
use super::grade::{BaselineFigure, Figure, Grade, Reason, grade};
use super::targets::{Baseline, Indicator, Rule, TargetWhen, Targets};
use super::words;
use crate::definitions::{Definitions, Wave};
use crate::i18n::Lang;

/// One row of the evaluation table (module docs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvaluationRow {
    pub wave_id: String,
    pub indicator_id: String,
    pub vision_id: String,
    /// `vision_score`, `vision_top2`, `item_score` or `item_top2`.
    pub measure: String,
    pub item_id: Option<String>,
    pub weighted: bool,
    /// The indicator's name per language code.
    pub name: BTreeMap<String, String>,
    /// The baseline wave, for a baseline of this product.
    pub baseline_wave: Option<String>,
    /// Where the baseline comes from, per language code (the wave's name, or the external
    /// source as written).
    pub baseline_source: BTreeMap<String, String>,
    /// An external baseline's standard error, when given.
    pub baseline_se: Option<f64>,
    /// The baseline's value, when known.
    pub baseline_value: Option<f64>,
    pub target_value: f64,
    pub target_wave: Option<String>,
    pub target_year: Option<i32>,
    /// `nagayo`, `progress` or `interval`.
    pub rule: String,
    pub band_pct: Option<f64>,
    pub min_group_size: u64,
    /// This wave's figure; `None` when suppressed or missing.
    pub estimate: Option<Estimate>,
    pub suppressed: bool,
    pub change: Option<Change>,
    pub achievement_pct: Option<f64>,
    pub expected_pct: Option<f64>,
    pub progress_pct: Option<f64>,
    pub grade: Grade,
    pub reason: Reason,
}

impl EvaluationRow {
    /// Whether the figures are shares (shown with `%`).
    pub fn is_share(&self) -> bool {
        self.measure.ends_with("top2")
    }

    /// Why the row got its grade, with its figures, in `lang`.
    pub fn reason_text(&self, defs: &Definitions, lang: Lang) -> String {
        let row = self;
        let share = row.is_share();
        let f = |x: f64| words::figure(x, share);
        let mut args: Vec<crate::i18n::Arg<'_>> = vec![
            ("min", row.min_group_size.into()),
            ("target", f(row.target_value).into()),
        ];
        if let Some(e) = &row.estimate {
            args.push(("value", f(e.value()).into()));
        }
        if let Some(b) = row.baseline_value {
            args.push(("baseline", f(b).into()));
            if let Some(band) = row.band_pct {
                let b = super::grade::shown(b);
                let half = b.abs() * band / 100.0;
                args.push(("band", format!("{band}").into()));
                args.push(("low", f(b - half).into()));
                args.push(("high", f(b + half).into()));
            }
        }
        if let Some(w) = &row.baseline_wave {
            args.push(("wave", words::wave_label(defs, w, lang).into()));
        }
        if let Some(c) = &row.change {
            args.push(("change", words::signed(c.difference).into()));
            if let Some((lo, hi)) = c.ci95 {
                args.push(("ci_low", words::signed(lo).into()));
                args.push(("ci_high", words::signed(hi).into()));
            }
        }
        for (key, x) in [
            ("achievement", row.achievement_pct),
            ("expected", row.expected_pct),
            ("progress", row.progress_pct),
        ] {
            if let Some(x) = x {
                args.push((key, words::percent(x).into()));
            }
        }
        crate::i18n::t_args(lang, row.reason.message(), &args)
    }

    /// A text kept per language, in `lang` or its fallback.
    pub fn text(map: &BTreeMap<String, String>, lang: Lang) -> &str {
        lang.chain()
            .iter()
            .find_map(|l| map.get(l.code()))
            .map_or("", String::as_str)
    }
}

/// What a publication keeps of the evaluation: the rows and the decisions, as they were.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub rows: Vec<EvaluationRow>,
    pub decisions: Vec<super::decision::Decision>,
}

/// A text in every language (each language's own, or its fallback's).
fn every_language(f: impl Fn(Lang) -> String) -> BTreeMap<String, String> {
    Lang::all().map(|l| (l.code().to_string(), f(l))).collect()
}

/// Evaluates every indicator of `targets` in `wave`. `data` is the wave's figures;
/// `baseline_of` gives the figure of an indicator in an earlier baseline wave (from the live
/// totals for analysts, from that wave's publication for the public).
pub fn evaluate_wave(
    defs: &Definitions,
    targets: &Targets,
    wave: &Wave,
    data: &WaveData,
    baseline_of: &dyn Fn(&Indicator, &Wave) -> BaselineFigure,
    min_group_size: u64,
) -> Vec<EvaluationRow> {
    targets
        .indicators
        .iter()
        .map(|ind| {
            let now = figure(ind, data, min_group_size);
            let baseline = match &ind.baseline {
                Baseline::External { value, se, .. } => BaselineFigure::External {
                    value: *value,
                    se: *se,
                },
                Baseline::Wave(id) if *id == wave.id => BaselineFigure::IsThisWave,
                Baseline::Wave(id) => match defs.wave(id) {
                    Some(b) if b.opens < wave.opens => baseline_of(ind, b),
                    Some(_) => BaselineFigure::Later,
                    None => BaselineFigure::Wave(Figure::Missing),
                },
            };
            let expected = ind.expected_pct(wave);
            let g = grade(&ind.rule, ind.target.value, expected, now, baseline);
            EvaluationRow {
                wave_id: wave.id.clone(),
                indicator_id: ind.id.clone(),
                vision_id: ind.vision.clone(),
                measure: ind.measure.name().to_string(),
                item_id: ind.measure.item().map(str::to_string),
                weighted: ind.weighted,
                name: every_language(|l| words::indicator_name(defs, ind, wave, l)),
                baseline_wave: match &ind.baseline {
                    Baseline::Wave(id) => Some(id.clone()),
                    Baseline::External { .. } => None,
                },
                baseline_source: every_language(|l| match &ind.baseline {
                    Baseline::Wave(id) => words::wave_label(defs, id, l),
                    Baseline::External { source, .. } => source.get(l).to_string(),
                }),
                baseline_se: match &ind.baseline {
                    Baseline::External { se, .. } => *se,
                    Baseline::Wave(_) => None,
                },
                baseline_value: g.baseline,
                target_value: ind.target.value,
                target_wave: match &ind.target.when {
                    TargetWhen::Wave(w) => Some(w.clone()),
                    TargetWhen::Year(_) => None,
                },
                target_year: match &ind.target.when {
                    TargetWhen::Year(y) => Some(*y),
                    TargetWhen::Wave(w) => {
                        defs.wave(w).map(|w| super::targets::fiscal_year(w.opens))
                    }
                },
                rule: ind.rule.name().to_string(),
                band_pct: match ind.rule {
                    Rule::Nagayo { band_pct } => Some(band_pct),
                    _ => None,
                },
                min_group_size,
                estimate: match now {
                    Figure::Shown(e) => Some(e),
                    _ => None,
                },
                suppressed: now == Figure::Suppressed,
                change: g.change,
                achievement_pct: g.achievement_pct,
                expected_pct: g.expected_pct,
                progress_pct: g.progress_pct,
                grade: g.grade,
                reason: g.reason,
            }
        })
        .collect()
}

/// The figure a publication kept for an indicator, as a baseline for a later wave: only
/// when the indicator measured the same thing then (same measure, item and weighting).
pub fn published_baseline(kept: &[EvaluationRow], ind: &Indicator) -> BaselineFigure {
    let same = kept.iter().find(|r| {
        r.indicator_id == ind.id
            && r.measure == ind.measure.name()
            && r.item_id.as_deref() == ind.measure.item()
            && r.weighted == ind.weighted
    });
    match same {
        None => BaselineFigure::NotPublished,
        Some(r) if r.suppressed => BaselineFigure::Wave(Figure::Suppressed),
        Some(r) => match r.estimate {
            Some(e) => BaselineFigure::Wave(Figure::Shown(e)),
            None if r.reason == Reason::NoWeights => BaselineFigure::Wave(Figure::Unweighted),
            None => BaselineFigure::Wave(Figure::Missing),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::figures::VisionTotals;
    use crate::stats::ItemCounts;

    fn defs() -> Definitions {
        crate::definitions::load_dir(std::path::Path::new("survey-definitions")).unwrap()
    }

    /// n respondents whose v-scores alternate between `a` and `b`.
    fn alternating(n: u64, a: f64, b: f64) -> VisionTotals {
        let mut t = VisionTotals {
            score_shift: 50.0,
            top2_shift: 0.5,
            ..Default::default()
        };
        for i in 0..n {
            let x = if i % 2 == 0 { a } else { b };
            t.n += 1;
            t.score_sum += x - 50.0;
            t.score_sum_sq += (x - 50.0).powi(2);
            let top2 = if x >= 75.0 { 1.0 } else { 0.0 };
            t.top2_sum += top2 - 0.5;
            t.top2_sum_sq += (top2 - 0.5).powi(2);
        }
        t
    }

    #[test]
    fn the_bundled_targets_evaluate_both_waves() {
        let defs = defs();
        let targets =
            super::super::targets::load(std::path::Path::new("survey-definitions"), &defs)
                .unwrap()
                .unwrap();
        let midterm = defs.wave("2026-midterm").unwrap();
        let last = defs.wave("2028-final").unwrap();
        let mut data = WaveData::default();
        for v in ["v1", "v2", "v3", "v4", "v5"] {
            data.visions.insert(v.into(), alternating(200, 25.0, 75.0));
        }
        data.items.insert(
            "v1_online_procedures".into(),
            ItemCounts {
                answers: [40, 40, 40, 40, 40],
                dont_know: 10,
            },
        );
        let no_baseline = |_: &Indicator, _: &Wave| BaselineFigure::Wave(Figure::Missing);
        let rows = evaluate_wave(&defs, &targets, midterm, &data, &no_baseline, 10);
        assert_eq!(rows.len(), targets.indicators.len());
        let by_id = |id: &str| rows.iter().find(|r| r.indicator_id == id).unwrap();
        // v1: vision score 50 against 45 → 60; 60% of the gap expected by the mid-term:
        // achievement 33.3%, progress 55.6%: 要改善.
        let v1 = by_id("v1_score");
        assert_eq!(v1.grade, Grade::Improve);
        assert!((v1.achievement_pct.unwrap() - 100.0 / 3.0).abs() < 1e-9);
        assert_eq!(v1.expected_pct, Some(60.0));
        assert_eq!(v1.name["ja"], "ビジョンの点数");
        assert!(v1.baseline_source["ja"].starts_with("例示"));
        assert_eq!(v1.target_year, Some(2028));
        // The item's top-2 share: 80 of 200 = 40% against 30 ± 1.5: up, significantly.
        let item = by_id("v1_online_top2");
        assert_eq!(item.estimate, Some(Estimate::Share { x: 80, n: 200 }));
        assert_eq!(item.grade, Grade::A);
        assert!(
            item.name["ja"].contains("オンライン"),
            "{}",
            item.name["ja"]
        );
        // Weighted indicators without population weights in the data: said so.
        assert_eq!(by_id("v2_top2_weighted").reason, Reason::NoWeights);
        // v3's baseline is this very wave.
        assert_eq!(by_id("v3_score").reason, Reason::IsBaseline);
        // The item of v4 nobody answered.
        assert_eq!(by_id("v4_personal_data").reason, Reason::NoFigure);
        // In 2028 v3 compares with 2026, from whatever the caller says 2026 was.
        let kept = rows.clone();
        let from_2026 = |ind: &Indicator, _: &Wave| published_baseline(&kept, ind);
        let mut later = data.clone();
        later
            .visions
            .insert("v3".into(), alternating(200, 50.0, 100.0));
        let rows = evaluate_wave(&defs, &targets, last, &later, &from_2026, 10);
        let v3 = rows.iter().find(|r| r.indicator_id == "v3_score").unwrap();
        assert_eq!(v3.baseline_value, Some(50.0));
        assert_eq!(
            v3.change.unwrap().test,
            super::super::change::ChangeTest::Welch
        );
        assert_eq!(
            (v3.grade, v3.reason),
            (Grade::S, Reason::SignificantReached)
        );
        assert_eq!(v3.baseline_source["en"], "FY2026 survey");
        // The v1 score at the target wave expects 100%.
        let v1 = rows.iter().find(|r| r.indicator_id == "v1_score").unwrap();
        assert_eq!(v1.expected_pct, Some(100.0));
        // A snapshot survives serialisation unchanged.
        let json = serde_json::to_string(&rows).unwrap();
        let back: Vec<EvaluationRow> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, rows);
    }

    #[test]
    fn a_published_baseline_must_measure_the_same_thing() {
        let defs = defs();
        let targets =
            super::super::targets::load(std::path::Path::new("survey-definitions"), &defs)
                .unwrap()
                .unwrap();
        let ind = targets
            .indicators
            .iter()
            .find(|i| i.id == "v3_score")
            .unwrap();
        assert_eq!(published_baseline(&[], ind), BaselineFigure::NotPublished);
        let mut data = WaveData::default();
        data.visions.insert("v3".into(), alternating(5, 0.0, 100.0));
        let midterm = defs.wave("2026-midterm").unwrap();
        let none = |_: &Indicator, _: &Wave| BaselineFigure::NotPublished;
        let rows = evaluate_wave(&defs, &targets, midterm, &data, &none, 10);
        assert_eq!(
            published_baseline(&rows, ind),
            BaselineFigure::Wave(Figure::Suppressed)
        );
        let mut changed = rows.clone();
        for r in &mut changed {
            r.weighted = !r.weighted;
        }
        assert_eq!(
            published_baseline(&changed, ind),
            BaselineFigure::NotPublished
        );
    }
}
