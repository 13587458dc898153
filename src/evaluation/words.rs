//! The evaluation in words, in every language: indicator names made from the measure, grade
//! labels, and the reason for each grade with its figures (`eval_*` in `locales/*.ftl`).
//! Figures are shown as published: one decimal, shares with `%`.

use super::targets::{Indicator, Measure, fiscal_year};
use crate::definitions::{Definitions, Wave};
use crate::i18n::{Lang, t, t_args};

use super::grade::{Grade, Reason};

/// A figure as published: one decimal, `%` for a share.
pub fn figure(x: f64, share: bool) -> String {
    if share {
        format!("{x:.1}%")
    } else {
        format!("{x:.1}")
    }
}

/// A signed difference: `+5.0`, `−2.3` (shares in percentage points, same digits).
pub fn signed(x: f64) -> String {
    let x = super::grade::shown(x);
    if x > 0.0 {
        format!("+{x:.1}")
    } else if x < 0.0 {
        format!("−{:.1}", -x)
    } else {
        "±0.0".into()
    }
}

/// A percentage such as 達成率: `33.3%`.
pub fn percent(x: f64) -> String {
    format!("{x:.1}%")
}

/// A wave's short name: `2026年度調査` / `FY2026 survey`.
pub fn wave_label(defs: &Definitions, wave_id: &str, lang: Lang) -> String {
    match defs.wave(wave_id) {
        Some(w) => t_args(
            lang,
            "results_series",
            &[("year", fiscal_year(w.opens).into())],
        ),
        None => wave_id.to_string(),
    }
}

/// The indicator's name: as written in the targets file, else made from its measure (the
/// item's text as asked in `wave`, or in the first wave that asks it).
pub fn indicator_name(defs: &Definitions, ind: &Indicator, wave: &Wave, lang: Lang) -> String {
    if let Some(name) = &ind.name {
        return name.get(lang).to_string();
    }
    let item_text = |id: &str| {
        wave.question(id)
            .or_else(|| defs.waves.iter().find_map(|w| w.question(id)))
            .map_or(id.to_string(), |q| q.text.get(lang).to_string())
    };
    let name = match &ind.measure {
        Measure::VisionScore => t(lang, "eval_measure_vision_score"),
        Measure::VisionTop2 => t(lang, "eval_measure_vision_top2"),
        Measure::ItemScore(q) => t_args(
            lang,
            "eval_measure_item_score",
            &[("item", item_text(q).into())],
        ),
        Measure::ItemTop2(q) => t_args(
            lang,
            "eval_measure_item_top2",
            &[("item", item_text(q).into())],
        ),
    };
    if ind.weighted {
        t_args(lang, "eval_weighted_name", &[("name", name.into())])
    } else {
        name
    }
}

/// The grade's label: `A（改善）`, `着実`, `−（測定できない）`.
pub fn grade_label(grade: Grade, lang: Lang) -> String {
    t(lang, grade.message())
}

/// The legend under a table: one line per grade of the rules in use, in `lang`.
pub fn legend(rules: &[&str], lang: Lang) -> Vec<String> {
    let mut lines = Vec::new();
    for (rule, grades) in [
        ("nagayo", &[Grade::S, Grade::A, Grade::B, Grade::C][..]),
        (
            "progress",
            &[Grade::Steady, Grade::Fair, Grade::Improve][..],
        ),
        ("interval", &[Grade::S, Grade::A, Grade::B, Grade::C][..]),
    ] {
        if !rules.contains(&rule) {
            continue;
        }
        lines.push(t(lang, &format!("eval_rule_{rule}")));
        for g in grades {
            lines.push(t(
                lang,
                &format!("eval_legend_{rule}_{}", g.code().to_lowercase()),
            ));
        }
    }
    lines.push(t(lang, "eval_legend_none"));
    lines
}

/// Every message id this module and the table use (for the completeness test).
pub fn message_ids() -> Vec<String> {
    let mut ids: Vec<String> = Grade::ALL.iter().map(|g| g.message().to_string()).collect();
    ids.extend(Reason::ALL.iter().map(|r| r.message().to_string()));
    for m in [
        "eval_measure_vision_score",
        "eval_measure_vision_top2",
        "eval_measure_item_score",
        "eval_measure_item_top2",
        "eval_weighted_name",
        "eval_legend_none",
        "eval_ci_range",
    ] {
        ids.push(m.into());
    }
    for rule in ["nagayo", "interval"] {
        ids.push(format!("eval_rule_{rule}"));
        for g in ["s", "a", "b", "c"] {
            ids.push(format!("eval_legend_{rule}_{g}"));
        }
    }
    ids.push("eval_rule_progress".into());
    for g in ["steady", "fair", "needs_improvement"] {
        ids.push(format!("eval_legend_progress_{g}"));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_published() {
        assert_eq!(figure(59.96, false), "60.0");
        assert_eq!(figure(40.0, true), "40.0%");
        assert_eq!(signed(3.04), "+3.0");
        assert_eq!(signed(-2.25), "−2.3");
        assert_eq!(signed(0.04), "±0.0");
        assert_eq!(percent(33.333), "33.3%");
    }

    #[test]
    fn every_message_exists_in_every_language_and_formats() {
        // A message missing in a language would fall back silently: refuse it here.
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        for lang in Lang::all() {
            let src = std::fs::read_to_string(dir.join(format!("{}.ftl", lang.code()))).unwrap();
            for id in message_ids() {
                assert!(
                    src.lines().any(|l| l.starts_with(&format!("{id} ="))),
                    "{}.ftl lacks `{id}`",
                    lang.code()
                );
            }
        }
    }
}
