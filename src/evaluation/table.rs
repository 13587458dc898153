//! The evaluation table as people read it (ビジョン | 指標 | 基準値（出典） | 目標値 | 今回値
//! （95%CI） | 達成率 | 判定 | 方向性 | 主な市民意見): rows put in words in one language,
//! grouped by vision with the vision's decision. Pure: the public page and the workspace
//! show the same cells.

use super::decision::Decision;
use super::grade::{Grade, shown};
use super::row::EvaluationRow;
use super::words;
use crate::definitions::Definitions;
use crate::i18n::{Lang, t, t_args};

/// One indicator's cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Cells {
    pub indicator_id: String,
    pub indicator: String,
    /// `45.0`, and where it comes from.
    pub baseline: String,
    pub source: String,
    /// `60.0（2028年度）`.
    pub target: String,
    /// `50.0`, or empty when not published.
    pub value: String,
    /// Not published: fewer respondents than the minimum.
    pub suppressed: bool,
    /// `（47.0〜53.0）` / `(47.0–53.0)`, or empty.
    pub ci: String,
    pub respondents: String,
    /// `33.3%`, or empty.
    pub achievement: String,
    /// `この時点の見込み：60.0%`, or empty.
    pub expected: String,
    /// The grade's code (`S`, `steady`, `-`) and its label (`S`, `着実`, `−`).
    pub grade_code: &'static str,
    pub grade: String,
    pub reason: String,
}

/// A vision's indicators and its decision.
#[derive(Debug, Clone, PartialEq)]
pub struct VisionGroup {
    pub vision_id: String,
    pub vision: String,
    pub rows: Vec<Cells>,
    /// `継続`, `改善`, `見直し`, or `未定`.
    pub direction: String,
    pub direction_code: &'static str,
    pub direction_reason: String,
    pub opinions: String,
}

/// A row's cells in `lang`.
pub fn cells(row: &EvaluationRow, defs: &Definitions, lang: Lang) -> Cells {
    let share = row.is_share();
    let estimate = row.estimate;
    let grade = row.grade;
    Cells {
        indicator_id: row.indicator_id.clone(),
        indicator: EvaluationRow::text(&row.name, lang).to_string(),
        baseline: row
            .baseline_value
            .map_or("—".into(), |b| words::figure(shown(b), share)),
        source: EvaluationRow::text(&row.baseline_source, lang).to_string(),
        target: match row.target_year {
            Some(year) => t_args(
                lang,
                "eval_target_by",
                &[
                    ("target", words::figure(row.target_value, share).into()),
                    ("year", year.into()),
                ],
            ),
            None => words::figure(row.target_value, share),
        },
        value: estimate.map_or(String::new(), |e| words::figure(e.value(), share)),
        suppressed: row.suppressed,
        ci: estimate
            .and_then(|e| e.ci95())
            .map_or(String::new(), |(lo, hi)| {
                t_args(
                    lang,
                    "eval_ci_range",
                    &[
                        ("low", words::figure(lo, share).into()),
                        ("high", words::figure(hi, share).into()),
                    ],
                )
            }),
        respondents: estimate.map_or(String::new(), |e| {
            t_args(lang, "eval_respondents", &[("n", e.n().into())])
        }),
        achievement: row.achievement_pct.map_or(String::new(), words::percent),
        expected: row.expected_pct.map_or(String::new(), |e| {
            t_args(
                lang,
                "eval_expected",
                &[("expected", words::percent(e).into())],
            )
        }),
        grade_code: grade.code(),
        grade: words::grade_label(grade, lang),
        reason: row.reason_text(defs, lang),
    }
}

/// The rows grouped by vision, in the visions' order, each with its decision.
pub fn groups(
    rows: &[EvaluationRow],
    decisions: &[Decision],
    defs: &Definitions,
    lang: Lang,
) -> Vec<VisionGroup> {
    defs.visions
        .iter()
        .filter_map(|v| {
            let mine: Vec<Cells> = rows
                .iter()
                .filter(|r| r.vision_id == v.id)
                .map(|r| cells(r, defs, lang))
                .collect();
            if mine.is_empty() {
                return None;
            }
            let decision = decisions.iter().find(|d| d.vision_id == v.id);
            let direction = decision.and_then(|d| d.direction);
            Some(VisionGroup {
                vision_id: v.id.clone(),
                vision: v.name.get(lang).to_string(),
                rows: mine,
                direction: direction
                    .map_or_else(|| t(lang, "eval_direction_none"), |d| t(lang, d.message())),
                direction_code: direction.map_or("", |d| d.code()),
                direction_reason: decision.map_or(String::new(), |d| d.reason.clone()),
                opinions: decision.map_or(String::new(), |d| d.opinions.clone()),
            })
        })
        .collect()
}

/// The rules used by the rows, for the legend.
pub fn rules_used(rows: &[EvaluationRow]) -> Vec<&str> {
    let mut rules: Vec<&str> = Vec::new();
    for r in rows {
        if !rules.contains(&r.rule.as_str()) {
            rules.push(&r.rule);
        }
    }
    rules
}

/// Whether a grade reads as good news (for the table's marks; never colour alone).
pub fn mark(grade: Grade) -> &'static str {
    match grade {
        Grade::S | Grade::A | Grade::Steady => "good",
        Grade::B | Grade::Fair => "fair",
        Grade::C | Grade::Improve => "poor",
        Grade::NotMeasurable => "none",
    }
}
