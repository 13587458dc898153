//! Where the report takes what other parts of the product will provide.
//!
//! - **Ⅱ 結果の概要 — the vision evaluation table.** The evaluation (targets, grades, the
//!   analysts' 見直し decision, issue 21) is built in `src/evaluation/`. The report takes an
//!   [`EvaluationTable`]; until the evaluation exists, [`evaluation_from_scores`] fills it
//!   from the vision scores (current value with its CI, everything else 「—」). To plug the
//!   evaluation in, pass `evaluation: Some(table)` where [`super::make`] builds the
//!   `BuildInput` (`SEAM(evaluation)` in `src/report/build.rs` marks the field) — for the
//!   public edition from the published snapshot.
//! - **Ⅵ 自由記述.** The free-text analysis (issue 23) will publish reviewed comments grouped
//!   by code. The report takes a [`FreeTextChapter`]; until then [`free_text_from_comments`]
//!   gives the counts per question and, in the internal edition only, the masked comments
//!   (the public edition never lists unreviewed comments). Pass `free_text: Some(chapter)`
//!   in [`super::make`] (`SEAM(free-text)` in `src/report/build.rs`).

use super::model::{Edition, VisionFigures};
use super::strings::Strings;

/// One row of the evaluation table (ビジョン | 指標 | 基準値 | 目標値 | 今回値 | 達成率 | 判定 |
/// 方向性 | 主な市民意見); texts as they are printed, `None` printed as 「—」.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EvaluationRow {
    pub vision_id: String,
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
    }
}
