//! The report as plain data: every table and figure of every chapter, numbers as numbers
//! (the HTML and the workbook format them), a blanked figure as `None`. Built by the
//! report's `build` step from what the product already computes; rendered by its `html`
//! and `xlsx` modules (the layers of `src/report/mod.rs`).

use super::strings::Strings;
use crate::domain::Lang;

/// Which edition: the office's full counts, or the public one with the published
/// suppression (docs/report.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Edition {
    #[default]
    Internal,
    Public,
}

/// Rows with fewer respondents than this are marked 参考値 (reference only).
pub const REFERENCE_BELOW: u64 = 30;

#[derive(Debug, Clone)]
pub struct WaveRef {
    pub id: String,
    pub title: String,
    /// 2026年度調査 / FY2026 survey.
    pub series: String,
    pub period: String,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub lang: Lang,
    pub edition: Edition,
    pub min_group_size: u64,
    pub title: String,
    pub publisher: String,
    pub wave: WaveRef,
    pub compare: Option<WaveRef>,
    /// The day the report was made (the service's clock).
    pub made_on: String,
    pub made_on_date: chrono::NaiveDate,
    pub outline: Outline,
    pub evaluation: EvaluationTable,
    /// Automatic key findings of chapter Ⅱ (sentences built from the figures).
    pub key_findings: Vec<String>,
    pub visions: Vec<VisionFigures>,
    pub profile: Vec<ProfileTable>,
    pub questions: Vec<QuestionSection>,
    pub vision_sections: Vec<VisionSection>,
    pub comparison: Option<ComparisonSection>,
    /// Chapter Ⅴ's satisfaction × importance (CSポートフォリオ), when items can be placed.
    pub portfolio: Option<PortfolioSection>,
    pub free_text: FreeTextChapter,
    pub findings: Findings,
    /// The paper questionnaire (資料), its `<style>` scoped to `.booklet`.
    pub questionnaire: Questionnaire,
    /// The 概要版 in the report's language and in やさしい日本語 (made after the build).
    pub summaries: Vec<Summary>,
}

/// The CS portfolio of chapter Ⅴ: the scatter and its numbered items, as the workspace
/// and the `cs-portfolio` export place them.
#[derive(Debug, Clone, Default)]
pub struct PortfolioSection {
    pub svg: String,
    pub rows: Vec<super::scatter::PortfolioRow>,
    /// How importance was derived, in words.
    pub method: String,
    /// Importance was asked (a point per vision, importance on 0–100).
    pub asked: bool,
}

/// The 概要版 (built by the report's `summary` module).
#[derive(Debug, Clone)]
pub struct Summary {
    pub lang: Lang,
    /// The file it is written to (`summary.html`, `summary-ja-easy.html`).
    pub file: String,
    pub title: String,
    /// The title as HTML (readings as ruby in やさしい日本語).
    pub title_html: String,
    pub publisher: String,
    pub made_on: String,
    /// Internal edition: a line saying it is not for publication.
    pub internal: Option<String>,
    pub lead: String,
    /// (label, value) of 調査の概要 and 回収結果.
    pub facts: Vec<(String, String)>,
    pub scores: Vec<ScoreLine>,
    pub scores_chart: String,
    pub findings: Vec<String>,
    pub evaluation: Vec<crate::evaluation::table::VisionGroup>,
    /// The grading rules used, each with its legend lines.
    pub legend: Vec<(String, Vec<String>)>,
    pub portfolio_svg: Option<String>,
    pub free_text: Vec<(String, String)>,
    pub more: String,
}

/// A vision's score as the summary lists it.
#[derive(Debug, Clone)]
pub struct ScoreLine {
    /// HTML (readings as ruby in やさしい日本語).
    pub name_html: String,
    pub score: String,
    pub ci: String,
    pub respondents: String,
}

/// The analysts' 所見 as HTML (from Markdown, raw HTML escaped).
#[derive(Debug, Clone, Default)]
pub struct Findings {
    pub outline: Option<String>,
    pub summary: Option<String>,
    pub profile: Option<String>,
    pub free_text: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Questionnaire {
    pub style: String,
    pub body: String,
}

/// Ⅰ 調査の概要.
#[derive(Debug, Clone)]
pub struct Outline {
    pub purpose: String,
    /// (label, value) of the design table: 調査地域, 対象, 抽出方法, 基準日, 方法, 期間.
    pub design: Vec<(String, String)>,
    pub collection: Collection,
    /// 標本誤差早見表 for the wave's respondents.
    pub sampling_error: Vec<super::sampling_error::Row>,
    pub sampling_error_n: u64,
}

/// 回収結果 (配布数, 有効回収数, 回収率) by channel.
#[derive(Debug, Clone)]
pub struct Collection {
    pub mailed: Option<u64>,
    pub undeliverable: u64,
    /// 配布数 (mailed − undeliverable), or the access codes issued on a code wave.
    pub distributed: Option<u64>,
    pub rows: Vec<CollectionRow>,
    pub total: CollectionRow,
    /// Answers beside the sample (open link), not in any figure (internal edition only).
    pub open_answers: Option<u64>,
    /// Paper sheets keyed once or waiting for a resolution (internal edition only).
    pub pending_paper: Option<u64>,
}

#[derive(Debug, Clone)]
pub struct CollectionRow {
    pub code: String,
    pub label: String,
    pub valid: u64,
    /// valid ÷ 配布数 × 100.
    pub rate: Option<f64>,
}

/// One vision's figures (chapters Ⅱ and Ⅴ), unweighted and post-stratified.
#[derive(Debug, Clone)]
pub struct VisionFigures {
    pub id: String,
    pub name: String,
    pub short: String,
    pub n: Option<u64>,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    pub top2_pct: Option<f64>,
    pub weighted: Option<WeightedFigures>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct WeightedFigures {
    pub mean: f64,
    pub se: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    pub top2_pct: f64,
    pub kish_deff: f64,
    pub effective_n: f64,
}

/// A column of a frequency table: an answer, or 無回答.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// The stored code; `None` for 無回答.
    pub code: Option<String>,
    pub label: String,
}

/// One line of a frequency table: a group (or 全体) with its n and a cell per column.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// The group's code (`None` for 全体 or for the 無回答 group; see `label`).
    pub code: Option<String>,
    pub label: String,
    /// Respondents asked (the base of the percentages); `None` when blanked.
    pub n: Option<u64>,
    pub cells: Vec<Cell>,
    /// n below [`REFERENCE_BELOW`]: 参考値.
    pub reference: bool,
}

/// A count and its share of the line's n (percent); both `None` when blanked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub count: Option<u64>,
    pub pct: Option<f64>,
}

/// A simple (no rows) or cross table of one question.
#[derive(Debug, Clone)]
pub struct FrequencyTable {
    /// `total` for the simple table, else the breakdown (`gender`, `age_band`, `area`,
    /// `channel`).
    pub dimension: String,
    pub title: String,
    pub columns: Vec<Column>,
    pub total: Line,
    pub rows: Vec<Line>,
    /// Pearson's χ² over the groups' valid answers (single choice and scale only).
    pub chisq: Option<super::chisq::ChiSquare>,
    /// Why no p-value is shown, when none is.
    pub chisq_note: Option<String>,
}

/// The figures of a scale item (0–100), as `item-scores`.
#[derive(Debug, Clone)]
pub struct ItemFigures {
    pub n: u64,
    pub mean: Option<f64>,
    pub sd: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    pub top2_pct: Option<f64>,
    pub dont_know: u64,
    pub dont_know_pct: Option<f64>,
}

/// Chapter Ⅳ: one question.
#[derive(Debug, Clone)]
pub struct QuestionSection {
    pub id: String,
    pub vision_id: Option<String>,
    /// 問3.
    pub number: String,
    pub text: String,
    pub kind: &'static str,
    pub multiple: bool,
    /// Who was asked (a `show_if` question: 「問3で『いいえ』と答えた方」).
    pub base: Option<String>,
    pub simple: FrequencyTable,
    /// Respondents who answered (the export's `respondents`), for the workbook.
    pub answered: Option<u64>,
    pub crosses: Vec<FrequencyTable>,
    /// Scale items: their 0–100 figures (`None` when blanked).
    pub item: Option<ItemFigures>,
    pub comparison: Option<QuestionComparison>,
    pub findings: Option<String>,
}

/// A question in both waves: the earlier wave's simple table beside this one's.
#[derive(Debug, Clone)]
pub struct QuestionComparison {
    pub earlier: FrequencyTable,
    pub later: FrequencyTable,
}

/// Chapter Ⅲ: a respondent attribute with the register's shares beside it.
#[derive(Debug, Clone)]
pub struct ProfileTable {
    pub dimension: String,
    pub title: String,
    pub n: Option<u64>,
    pub rows: Vec<ProfileRow>,
}

#[derive(Debug, Clone)]
pub struct ProfileRow {
    pub code: Option<String>,
    pub label: String,
    pub count: Option<u64>,
    pub pct: Option<f64>,
    /// Share among those who gave a band/area, beside the register's (代表性).
    pub pct_of_stated: Option<f64>,
    pub population_pct: Option<f64>,
}

/// Chapter Ⅴ: one vision.
#[derive(Debug, Clone)]
pub struct VisionSection {
    pub figures: VisionFigures,
    pub by_group: Vec<GroupTable>,
    pub items: Vec<ItemRow>,
    pub findings: Option<String>,
}

#[derive(Debug, Clone)]
pub struct GroupTable {
    pub dimension: String,
    pub title: String,
    pub rows: Vec<GroupRow>,
}

#[derive(Debug, Clone)]
pub struct GroupRow {
    pub code: Option<String>,
    pub label: String,
    pub n: Option<u64>,
    pub mean: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    pub top2_pct: Option<f64>,
    pub reference: bool,
}

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: String,
    pub number: String,
    pub text: String,
    pub figures: Option<ItemFigures>,
}

/// 経年比較 (`--compare`): visions and core items, as `wave-comparison`.
#[derive(Debug, Clone)]
pub struct ComparisonSection {
    pub earlier: WaveRef,
    pub later: WaveRef,
    pub rows: Vec<ComparisonRow>,
}

#[derive(Debug, Clone)]
pub struct ComparisonRow {
    /// `vision` or `item`.
    pub level: &'static str,
    pub id: String,
    pub vision_id: String,
    pub name: String,
    pub earlier_n: Option<u64>,
    pub earlier_mean: Option<f64>,
    pub later_n: Option<u64>,
    pub later_mean: Option<f64>,
    pub difference: Option<f64>,
    pub ci95: Option<(f64, f64)>,
    pub p_value: Option<f64>,
    pub significant: Option<bool>,
    pub weighted: Option<WeightedComparison>,
    pub suppressed: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct WeightedComparison {
    pub earlier: f64,
    pub later: f64,
    pub difference: f64,
    pub ci95: Option<(f64, f64)>,
    pub p_value: Option<f64>,
    pub significant: Option<bool>,
    /// Each side's Kish design effect and effective n (as `wave-comparison`).
    pub earlier_kish_deff: f64,
    pub earlier_effective_n: f64,
    pub later_kish_deff: f64,
    pub later_effective_n: f64,
}

// The seams for the evaluation and free-text chapters (formerly seams.rs):
// Where the report takes what other parts of the product will provide.
//
// - **Ⅱ 結果の概要 — the vision evaluation table.** The evaluation (targets, grades, the
// analysts' 見直し decision) is built in `src/evaluation/`; `report::make` turns its cells
// into an [`EvaluationTable`] ([`evaluation_from_groups`]) — for the public edition from
// the published snapshot. Without a targets file (or, in the public edition, a published
// evaluation) [`evaluation_from_scores`] fills it from the vision scores (current value
// with its CI, everything else 「—」).
// - **Ⅵ 自由記述.** [`free_text_from_comments`] gives the counts per question and, in the
// internal edition only, the masked comments (the public edition never lists unreviewed
// comments); `report::make` adds the coded opinions by vision and code
// ([`FreeTextChapter::coded`], from the comments' coding and publication).
/// One row of the evaluation table (ビジョン | 指標 | 基準値 | 目標値 | 今回値 | 達成率 | 判定 |
/// 方向性 | 主な市民意見); texts as they are printed, `None` printed as 「—」.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluationRow {
    pub vision_id: String,
    /// The indicator's id in targets.toml (empty in the scores-only table).
    pub indicator_id: String,
    pub vision: String,
    pub indicator: String,
    pub baseline: Option<String>,
    pub target: Option<String>,
    /// 今回値 with its 95% CI.
    pub current: Option<String>,
    pub achievement: Option<String>,
    pub grade: Option<String>,
    pub direction: Option<String>,
    pub opinions: Option<String>,
    /// The reference to the vision's published comments in chapter Ⅵ, when it has any.
    pub comments: Option<String>,
}

/// The table of chapter Ⅱ, with a note on where it comes from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluationTable {
    pub rows: Vec<EvaluationRow>,
    pub note: String,
}

/// The interim table: each vision's score with its 95% CI; targets and grades await the
/// evaluation (issue 21).
pub fn evaluation_from_scores(visions: &[VisionFigures], s: &Strings) -> EvaluationTable {
    EvaluationTable {
        rows: visions
            .iter()
            .map(|v| EvaluationRow {
                vision_id: v.id.clone(),
                vision: v.name.clone(),
                indicator: s.indicator_score.to_string(),
                current: match (v.mean, v.ci95) {
                    (Some(m), Some((lo, hi))) => Some(format!("{m:.1}（{lo:.1}–{hi:.1}）")),
                    (Some(m), None) => Some(format!("{m:.1}")),
                    _ => None,
                },
                ..EvaluationRow::default()
            })
            .collect(),
        note: s.evaluation_pending.to_string(),
    }
}

/// The table from the evaluation's groups (one row per indicator, the vision's decision
/// on each of its rows).
pub fn evaluation_from_groups(
    groups: &[crate::evaluation::table::VisionGroup],
    note: String,
) -> EvaluationTable {
    let filled = |t: &str| (!t.is_empty()).then(|| t.to_string());
    let rows = groups
        .iter()
        .flat_map(|g| {
            g.rows.iter().map(move |c| EvaluationRow {
                vision_id: g.vision_id.clone(),
                indicator_id: c.indicator_id.clone(),
                vision: g.vision.clone(),
                indicator: c.indicator.clone(),
                baseline: Some(if c.source.is_empty() {
                    c.baseline.clone()
                } else {
                    format!("{}（{}）", c.baseline, c.source)
                }),
                target: filled(&c.target),
                current: filled(&c.value).map(|v| format!("{v}{}", c.ci)),
                achievement: filled(&c.achievement),
                grade: Some(c.grade.clone()),
                direction: filled(&g.direction),
                opinions: filled(&g.opinions),
                // Filled by `report::make` from the published comments.
                comments: None,
            })
        })
        .collect();
    EvaluationTable { rows, note }
}

/// One free-text question: how many wrote something, and the comments shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FreeTextQuestion {
    pub id: String,
    pub number: String,
    pub text: String,
    /// Respondents who wrote something; `None` when blanked (public, below the minimum).
    pub count: Option<u64>,
    /// Comments as shown (masked; never next to any attribute).
    pub comments: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct FreeTextChapter {
    pub questions: Vec<FreeTextQuestion>,
    pub note: String,
    /// The coded opinions by vision and code (empty until comments are coded and approved).
    pub coded: Vec<CodedVision>,
}

/// A vision's coded opinions (or those of no vision).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodedVision {
    pub vision: String,
    pub codes: Vec<CodedGroup>,
}

/// A code with its count (`None` below the minimum) and its approved comments, masked.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodedGroup {
    pub code: String,
    pub label: String,
    pub count: Option<u64>,
    pub comments: Vec<String>,
}

/// The interim chapter: counts per question; the masked comments in the internal edition.
/// `comments` are `(question id, masked text)` in the order of the random response ids.
pub fn free_text_from_comments(
    questions: &[(String, String, String)],
    comments: &[(String, String)],
    edition: Edition,
    min_group_size: u64,
    s: &Strings,
) -> FreeTextChapter {
    FreeTextChapter {
        questions: questions
            .iter()
            .map(|(id, number, text)| {
                let mine: Vec<String> = comments
                    .iter()
                    .filter(|(q, _)| q == id)
                    .map(|(_, c)| c.clone())
                    .collect();
                let n = mine.len() as u64;
                FreeTextQuestion {
                    id: id.clone(),
                    number: number.clone(),
                    text: text.clone(),
                    count: match edition {
                        Edition::Public if n > 0 && n < min_group_size => None,
                        _ => Some(n),
                    },
                    comments: match edition {
                        Edition::Internal => mine,
                        Edition::Public => Vec::new(),
                    },
                }
            })
            .collect(),
        note: match edition {
            Edition::Internal => s.free_text_internal_note.to_string(),
            Edition::Public => s.free_text_public_note.to_string(),
        },
        coded: Vec::new(),
    }
}
